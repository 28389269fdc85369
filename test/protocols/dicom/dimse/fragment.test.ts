import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type AssemblyStep,
  FragmentError,
  MessageAssembler,
  PDV_ITEM_OVERHEAD,
  type ReceivedMessage,
  toPdvs,
} from '../../../../src/protocols/dicom/dimse/fragment.ts';
import { encodeCommand } from '../../../../src/protocols/dicom/dimse/messages.ts';
import { Status } from '../../../../src/protocols/dicom/dimse/status.ts';
import type { PresentationDataValue } from '../../../../src/protocols/dicom/ul/pdv.ts';
import { UID } from '../../../../src/protocols/dicom/uids.ts';
import { C_FIND_RQ, ECHOSCU_C_ECHO_RQ } from './fixtures.ts';

const PENDING_RSP = encodeCommand({ type: 'C-FIND-RSP', messageIdBeingRespondedTo: 7, status: Status.Pending });
const ECHO_RSP = encodeCommand({ type: 'C-ECHO-RSP', messageIdBeingRespondedTo: 1, affectedSopClassUid: UID.verification, status: 0 });

function pduBytes(pdu: readonly PresentationDataValue[]): number {
  return pdu.reduce((n, p) => n + PDV_ITEM_OVERHEAD + p.data.length, 0);
}

function feed(assembler: MessageAssembler, pdvs: readonly PresentationDataValue[]): AssemblyStep[] {
  return pdvs.map((p) => assembler.push(p));
}

function messages(steps: readonly AssemblyStep[]): ReceivedMessage[] {
  return steps.flatMap((s) => (s.kind === 'message' ? [s.message] : []));
}

describe('toPdvs', () => {
  it('puts a small C-ECHO-RQ in one PDV of one PDU', () => {
    const pdus = toPdvs(1, ECHOSCU_C_ECHO_RQ, undefined, 16384);
    assert.deepEqual(pdus, [[{ contextId: 1, isCommand: true, isLast: true, data: ECHOSCU_C_ECHO_RQ }]]);
  });

  it('sends command and identifier in separate PDUs by default, together when packing', () => {
    const identifier = Buffer.alloc(40, 0x20);
    assert.equal(toPdvs(3, C_FIND_RQ, identifier, 16384).length, 2);
    const packed = toPdvs(3, C_FIND_RQ, identifier, 16384, { pack: true });
    assert.equal(packed.length, 1);
    assert.deepEqual(
      packed[0]?.map((p) => [p.isCommand, p.isLast]),
      [
        [true, true],
        [false, true],
      ],
    );
  });

  it('cuts at the peer maximum length, counting the 6 bytes of each PDV item', () => {
    // 88-byte command, max 50: 44 data bytes per PDV.
    const pdus = toPdvs(1, C_FIND_RQ, Buffer.alloc(10), 50);
    assert.deepEqual(
      pdus.map((pdu) => pdu.map((p) => [p.isCommand, p.isLast, p.data.length])),
      [[[true, false, 44]], [[true, true, 44]], [[false, true, 10]]],
    );
  });

  it('writes an empty dataset as one empty last fragment', () => {
    const pdus = toPdvs(1, ECHOSCU_C_ECHO_RQ, Buffer.alloc(0), 0);
    assert.deepEqual(pdus[1], [{ contextId: 1, isCommand: false, isLast: true, data: Buffer.alloc(0) }]);
  });

  it('refuses an even context id and a maximum that cannot hold a byte', () => {
    assert.throws(() => toPdvs(2, ECHOSCU_C_ECHO_RQ, undefined, 0), (e) => e instanceof FragmentError && e.code === 'invalid-context-id');
    assert.throws(() => toPdvs(1, ECHOSCU_C_ECHO_RQ, undefined, 6), (e) => e instanceof FragmentError && e.code === 'max-pdu-too-small');
    assert.equal(toPdvs(1, ECHOSCU_C_ECHO_RQ, undefined, 7).length, ECHOSCU_C_ECHO_RQ.length);
  });
});

describe('MessageAssembler', () => {
  it('yields a message without dataset when the command says none follows', () => {
    const a = new MessageAssembler({ maxMessageBytes: 1 << 20 });
    const steps = feed(a, toPdvs(1, ECHOSCU_C_ECHO_RQ, undefined, 20).flat());
    assert.ok(steps.slice(0, -1).every((s) => s.kind === 'need-more'));
    assert.deepEqual(messages(steps), [{ contextId: 1, command: ECHOSCU_C_ECHO_RQ }]);
    assert.equal(a.inProgress, false);
  });

  it('waits for the dataset when the command announces one, then takes the next message', () => {
    const a = new MessageAssembler({ maxMessageBytes: 1 << 20 });
    const identifier = Buffer.from('identifier bytes');
    const steps = feed(a, [...toPdvs(5, PENDING_RSP, identifier, 30).flat(), ...toPdvs(5, ECHO_RSP, undefined, 0).flat()]);
    assert.deepEqual(messages(steps), [
      { contextId: 5, command: PENDING_RSP, dataset: identifier },
      { contextId: 5, command: ECHO_RSP },
    ]);
  });

  it('shows a complete command while its dataset is still to come, and only then', () => {
    const a = new MessageAssembler({ maxMessageBytes: 1 << 20 });
    const [command, dataset] = toPdvs(5, PENDING_RSP, Buffer.from('identifier'), 0);
    assert.equal(a.awaitingDataset, undefined);
    feed(a, command ?? []);
    assert.deepEqual(a.awaitingDataset, { contextId: 5, command: PENDING_RSP });
    feed(a, dataset ?? []);
    assert.equal(a.awaitingDataset, undefined);
    feed(a, toPdvs(5, ECHO_RSP, undefined, 0).flat());
    assert.equal(a.awaitingDataset, undefined);
  });

  const pdv = (isCommand: boolean, isLast: boolean, data: Buffer, contextId = 1): PresentationDataValue => ({ contextId, isCommand, isLast, data });

  it('refuses a dataset fragment before any command', () => {
    const a = new MessageAssembler({ maxMessageBytes: 1000 });
    const s = a.push(pdv(false, true, Buffer.from('x')));
    assert.ok(s.kind === 'error' && s.error.code === 'dataset-before-command');
    // It stays failed: the association is to be aborted.
    assert.equal(a.push(pdv(true, true, ECHOSCU_C_ECHO_RQ)).kind, 'error');
  });

  it('refuses a dataset fragment in the middle of a command', () => {
    const a = new MessageAssembler({ maxMessageBytes: 1000 });
    a.push(pdv(true, false, C_FIND_RQ.subarray(0, 10)));
    const s = a.push(pdv(false, true, Buffer.from('x')));
    assert.ok(s.kind === 'error' && s.error.code === 'dataset-before-command' && s.error.offset === 10);
  });

  it('refuses a context id change mid-message', () => {
    const a = new MessageAssembler({ maxMessageBytes: 1000 });
    a.push(pdv(true, true, C_FIND_RQ, 1));
    const s = a.push(pdv(false, true, Buffer.from('x'), 3));
    assert.ok(s.kind === 'error' && s.error.code === 'context-changed');
  });

  it('refuses a new command while the dataset of the last one is awaited', () => {
    const a = new MessageAssembler({ maxMessageBytes: 1000 });
    a.push(pdv(true, true, C_FIND_RQ));
    const s = a.push(pdv(true, true, ECHOSCU_C_ECHO_RQ));
    assert.ok(s.kind === 'error' && s.error.code === 'command-after-command');
  });

  it('refuses a malformed command and an invalid context id', () => {
    const a = new MessageAssembler({ maxMessageBytes: 1000 });
    const s = a.push(pdv(true, true, Buffer.from([1, 2, 3])));
    assert.ok(s.kind === 'error' && s.error.code === 'malformed-command');
    const b = new MessageAssembler({ maxMessageBytes: 1000 });
    const t = b.push(pdv(true, true, ECHOSCU_C_ECHO_RQ, 0));
    assert.ok(t.kind === 'error' && t.error.code === 'invalid-context-id');
  });

  it('stops a message at its byte cap, and a command at its own', () => {
    const a = new MessageAssembler({ maxMessageBytes: C_FIND_RQ.length + 100 });
    a.push(pdv(true, true, C_FIND_RQ));
    assert.equal(a.push(pdv(false, false, Buffer.alloc(100))).kind, 'need-more');
    const s = a.push(pdv(false, true, Buffer.alloc(1)));
    assert.ok(s.kind === 'error' && s.error.code === 'message-too-large');
    const b = new MessageAssembler({ maxMessageBytes: 1 << 20, maxCommandBytes: 64 });
    const t = b.push(pdv(true, true, C_FIND_RQ));
    assert.ok(t.kind === 'error' && t.error.code === 'command-too-large');
  });
});

describe('fragmentation properties', () => {
  it('toPdvs then MessageAssembler returns the original for random sizes and maximum lengths', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(ECHOSCU_C_ECHO_RQ, C_FIND_RQ, PENDING_RSP),
        fc.option(fc.uint8Array({ maxLength: 3000 }), { nil: undefined }),
        fc.oneof(fc.constant(0), fc.integer({ min: 7, max: 4096 })),
        fc.boolean(),
        fc.integer({ min: 0, max: 127 }).map((n) => n * 2 + 1),
        (command, data, max, pack, contextId) => {
          // A dataset follows exactly when the command says so.
          const announces = command !== ECHOSCU_C_ECHO_RQ;
          const dataset = announces ? Buffer.from(data ?? []) : undefined;
          const pdus = toPdvs(contextId, command, dataset, max, { pack });
          for (const pdu of pdus) {
            assert.ok(pdu.length > 0);
            if (max > 0) assert.ok(pduBytes(pdu) <= max, `PDU of ${pduBytes(pdu)} bytes over ${max}`);
            if (!pack) assert.equal(pdu.length, 1);
          }
          const a = new MessageAssembler({ maxMessageBytes: 1 << 20 });
          const steps = feed(a, pdus.flat());
          assert.ok(steps.every((s) => s.kind !== 'error'));
          const expected: ReceivedMessage = dataset === undefined ? { contextId, command } : { contextId, command, dataset };
          assert.deepEqual(messages(steps), [expected]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('arbitrary PDVs never make the assembler throw, and it never holds more than its cap', () => {
    const pdvArb = fc.record({
      contextId: fc.integer({ min: 0, max: 256 }),
      isCommand: fc.boolean(),
      isLast: fc.boolean(),
      data: fc.oneof(fc.uint8Array({ maxLength: 80 }), fc.constantFrom(ECHOSCU_C_ECHO_RQ, C_FIND_RQ, PENDING_RSP)).map((d) => Buffer.from(d)),
    });
    fc.assert(
      fc.property(fc.array(pdvArb, { maxLength: 30 }), (pdvs) => {
        const a = new MessageAssembler({ maxMessageBytes: 200 });
        for (const s of feed(a, pdvs)) {
          if (s.kind === 'message') assert.ok(s.message.command.length + (s.message.dataset?.length ?? 0) <= 200);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('truncating a fragmented message anywhere leaves the assembler waiting, never erring', () => {
    fc.assert(
      fc.property(fc.integer({ min: 7, max: 64 }), fc.uint8Array({ maxLength: 200 }), fc.nat(), (max, data, n) => {
        const pdvs = toPdvs(1, C_FIND_RQ, Buffer.from(data), max).flat();
        const cut = n % pdvs.length;
        const a = new MessageAssembler({ maxMessageBytes: 1 << 16 });
        const steps = feed(a, pdvs.slice(0, cut));
        assert.ok(steps.every((s) => s.kind === 'need-more'));
        assert.equal(a.inProgress, cut > 0);
      }),
      { numRuns: 500 },
    );
  });
});
