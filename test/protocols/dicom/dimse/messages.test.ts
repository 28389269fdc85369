import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeCommandSet } from '../../../../src/protocols/dicom/dimse/command-set.ts';
import {
  CommandDataSetType,
  CommandField,
  type DimseMessage,
  Priority,
  dataSetFollows,
  decodeCommand,
  encodeCommand,
} from '../../../../src/protocols/dicom/dimse/messages.ts';
import { Status } from '../../../../src/protocols/dicom/dimse/status.ts';
import { UID } from '../../../../src/protocols/dicom/uids.ts';
import { hex } from '../dataset/build.ts';
import { C_FIND_RQ, ECHOSCU_C_ECHO_RQ } from './fixtures.ts';

describe('encodeCommand / decodeCommand', () => {
  it('C-ECHO-RQ: byte for byte what echoscu sends', () => {
    const msg: DimseMessage = { type: 'C-ECHO-RQ', messageId: 1, affectedSopClassUid: UID.verification };
    assert.deepEqual(encodeCommand(msg), ECHOSCU_C_ECHO_RQ);
    const r = decodeCommand(ECHOSCU_C_ECHO_RQ);
    assert.ok(r.ok);
    assert.deepEqual(r.value.message, msg);
    assert.equal(r.value.dataSetPresent, false);
  });

  it('C-FIND-RQ: says an identifier follows', () => {
    const msg: DimseMessage = { type: 'C-FIND-RQ', messageId: 7, affectedSopClassUid: UID.studyRootFind, priority: Priority.Medium };
    assert.deepEqual(encodeCommand(msg), C_FIND_RQ);
    const r = decodeCommand(C_FIND_RQ);
    assert.ok(r.ok);
    assert.deepEqual(r.value.message, msg);
    assert.equal(r.value.dataSetPresent, true);
  });

  it('C-FIND-RSP carries an identifier only when pending', () => {
    const pending: DimseMessage = { type: 'C-FIND-RSP', messageIdBeingRespondedTo: 7, affectedSopClassUid: UID.studyRootFind, status: Status.Pending };
    const done: DimseMessage = { type: 'C-FIND-RSP', messageIdBeingRespondedTo: 7, status: Status.Success };
    assert.equal(dataSetFollows(pending), true);
    assert.equal(dataSetFollows(done), false);
    const p = decodeCommand(encodeCommand(pending));
    const d = decodeCommand(encodeCommand(done));
    assert.ok(p.ok && d.ok);
    assert.equal(p.value.dataSetPresent, true);
    assert.equal(d.value.dataSetPresent, false);
    assert.deepEqual(d.value.message, done);
  });

  it('C-FIND-RSP failure keeps the offending element and error comment', () => {
    const msg: DimseMessage = {
      type: 'C-FIND-RSP',
      messageIdBeingRespondedTo: 3,
      status: Status.IdentifierDoesNotMatchSopClass,
      offendingElement: [0x00100020, 0x00080052],
      errorComment: 'bad key',
    };
    const r = decodeCommand(encodeCommand(msg));
    assert.ok(r.ok);
    assert.deepEqual(r.value.message, msg);
  });

  it('C-CANCEL-RQ names the request it cancels and has no dataset', () => {
    const buf = encodeCommand({ type: 'C-CANCEL-RQ', messageIdBeingRespondedTo: 7 });
    assert.deepEqual(
      buf,
      hex(`
        00 00 00 00  04 00 00 00  1e 00 00 00   // CommandGroupLength 30
        00 00 00 01  02 00 00 00  ff 0f         // CommandField 0FFFH C-CANCEL-RQ
        00 00 20 01  02 00 00 00  07 00         // MessageIDBeingRespondedTo 7
        00 00 00 08  02 00 00 00  01 01         // CommandDataSetType: none
      `),
    );
  });

  it('refuses an unknown command, naming its Command Field', () => {
    const cStore = encodeCommandSet([
      { tag: 0x00000100, vr: 'US', value: 0x0001 }, // C-STORE-RQ
      { tag: 0x00000110, vr: 'US', value: 1 },
      { tag: 0x00000800, vr: 'US', value: CommandDataSetType.Present },
    ]);
    const r = decodeCommand(cStore);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'unknown-command');
    assert.match(r.error.message, /0001H/);
  });

  it('refuses a command missing a mandatory field', () => {
    const noStatus = encodeCommandSet([
      { tag: 0x00000100, vr: 'US', value: CommandField.CEchoRsp },
      { tag: 0x00000120, vr: 'US', value: 1 },
      { tag: 0x00000800, vr: 'US', value: CommandDataSetType.Absent },
    ]);
    const r = decodeCommand(noStatus);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'missing-element');
    assert.equal(r.error.field, 'Status (0000,0900)');
  });
});

const uid = fc.stringMatching(/^[12](\.[1-9][0-9]{0,5}){1,8}$/);
const us = fc.integer({ min: 0, max: 0xffff });
const messageArb: fc.Arbitrary<DimseMessage> = fc.oneof(
  fc.record({ type: fc.constant('C-ECHO-RQ' as const), messageId: us, affectedSopClassUid: uid }),
  fc.record(
    { type: fc.constant('C-ECHO-RSP' as const), messageIdBeingRespondedTo: us, affectedSopClassUid: uid, status: us },
    { requiredKeys: ['type', 'messageIdBeingRespondedTo', 'status'] },
  ),
  fc.record({ type: fc.constant('C-FIND-RQ' as const), messageId: us, affectedSopClassUid: uid, priority: fc.constantFrom(0, 1, 2) }),
  fc.record(
    {
      type: fc.constant('C-FIND-RSP' as const),
      messageIdBeingRespondedTo: us,
      affectedSopClassUid: uid,
      status: us,
      offendingElement: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 3 }),
      errorComment: fc.stringMatching(/^[A-Za-z0-9]{0,20}$/),
    },
    { requiredKeys: ['type', 'messageIdBeingRespondedTo', 'status'] },
  ),
  fc.record({ type: fc.constant('C-CANCEL-RQ' as const), messageIdBeingRespondedTo: us }),
);

describe('command properties', () => {
  it('every message round-trips', () => {
    fc.assert(
      fc.property(messageArb, (msg) => {
        const r = decodeCommand(encodeCommand(msg));
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        assert.deepEqual(r.value.message, { ...msg }); // fast-check records have a null prototype
        assert.equal(r.value.dataSetPresent, dataSetFollows(msg));
      }),
      { numRuns: 1000 },
    );
  });

  it('a truncated command is an error, or decodes with a group length that no longer matches', () => {
    fc.assert(
      fc.property(messageArb, fc.nat(), (msg, n) => {
        const buf = encodeCommand(msg);
        const cut = n % buf.length;
        const r = decodeCommand(buf.subarray(0, cut));
        if (r.ok) assert.notEqual(r.value.commandSet.groupLength.declared, r.value.commandSet.groupLength.actual);
      }),
      { numRuns: 1000 },
    );
  });

  it('every truncation of the echoscu and findscu commands is an error', () => {
    for (const buf of [ECHOSCU_C_ECHO_RQ, C_FIND_RQ]) {
      for (let cut = 0; cut < buf.length; cut++) assert.equal(decodeCommand(buf.subarray(0, cut)).ok, false, `cut at ${cut}`);
    }
  });

  it('never throws on arbitrary bytes, nor on arbitrary group 0000 elements', () => {
    const element = fc.record({ element: fc.constantFrom(0x0000, 0x0002, 0x0100, 0x0110, 0x0120, 0x0700, 0x0800, 0x0900, 0x0901, 0x0902), value: fc.uint8Array({ maxLength: 6 }) });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(element, { maxLength: 8 }), (bytes, elements) => {
        decodeCommand(Buffer.from(bytes));
        const parts = elements.map(({ element: e, value }) => {
          const h = Buffer.alloc(8);
          h.writeUInt16LE(e, 2);
          h.writeUInt32LE(value.length, 4);
          return Buffer.concat([h, Buffer.from(value)]);
        });
        decodeCommand(Buffer.concat(parts));
      }),
      { numRuns: 2000 },
    );
  });
});
