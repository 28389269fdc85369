import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CommandElement,
  CommandEncodeError,
  decodeCommandSet,
  encodeCommandSet,
  getAt,
  getString,
  getUs,
  walkCommandSet,
} from '../../../../src/protocols/dicom/dimse/command-set.ts';
import { hex } from '../dataset/build.ts';
import { ECHOSCU_C_ECHO_RQ } from './fixtures.ts';

describe('encodeCommandSet', () => {
  it('reproduces the C-ECHO-RQ echoscu sends, CommandGroupLength computed', () => {
    const buf = encodeCommandSet([
      { tag: CommandElement.CommandDataSetType, vr: 'US', value: 0x0101 }, // order of input does not matter
      { tag: CommandElement.MessageID, vr: 'US', value: 1 },
      { tag: CommandElement.AffectedSOPClassUID, vr: 'UI', value: '1.2.840.10008.1.1' },
      { tag: CommandElement.CommandField, vr: 'US', value: 0x0030 },
    ]);
    assert.deepEqual(buf, ECHOSCU_C_ECHO_RQ);
  });

  it('pads AE and LO with a space, writes AT as group then element', () => {
    const buf = encodeCommandSet([
      { tag: CommandElement.MoveDestination, vr: 'AE', value: 'ABC' },
      { tag: CommandElement.OffendingElement, vr: 'AT', value: [0x00100020] },
    ]);
    assert.deepEqual(
      buf,
      hex(`
        00 00 00 00  04 00 00 00  18 00 00 00   // CommandGroupLength 24
        00 00 00 06  04 00 00 00  41 42 43 20   // (0000,0600) MoveDestination "ABC "
        00 00 01 09  04 00 00 00  10 00 20 00   // (0000,0901) OffendingElement (0010,0020)
      `),
    );
  });

  it('throws a typed error for elements it must not write', () => {
    const code = (f: () => unknown): string => {
      try {
        f();
        return 'no error';
      } catch (e) {
        assert.ok(e instanceof CommandEncodeError);
        return e.code;
      }
    };
    assert.equal(code(() => encodeCommandSet([{ tag: 0x00080052, vr: 'US', value: 1 }])), 'invalid-tag');
    assert.equal(code(() => encodeCommandSet([{ tag: 0, vr: 'UL', value: 1 }])), 'invalid-tag');
    assert.equal(code(() => encodeCommandSet([{ tag: 0x110, vr: 'US', value: 1 }, { tag: 0x110, vr: 'US', value: 2 }])), 'duplicate-element');
    assert.equal(code(() => encodeCommandSet([{ tag: 0x110, vr: 'US', value: 0x10000 }])), 'invalid-value');
    assert.equal(code(() => encodeCommandSet([{ tag: 0x902, vr: 'LO', value: 'é' }])), 'invalid-value');
  });
});

describe('decodeCommandSet', () => {
  it('decodes the echoscu command and its group length', () => {
    const r = decodeCommandSet(ECHOSCU_C_ECHO_RQ);
    assert.ok(r.ok);
    assert.deepEqual(r.value.groupLength, { declared: 56, actual: 56 });
    assert.deepEqual(getUs(r.value, CommandElement.CommandField), { ok: true, value: 0x0030 });
    assert.equal(getString(r.value, CommandElement.AffectedSOPClassUID), '1.2.840.10008.1.1');
    assert.deepEqual(getUs(r.value, CommandElement.Priority), { ok: true, value: undefined });
  });

  it('records a wrong group length instead of refusing the command', () => {
    const buf = Buffer.from(ECHOSCU_C_ECHO_RQ);
    buf.writeUInt32LE(40, 8);
    const r = decodeCommandSet(buf);
    assert.ok(r.ok);
    assert.deepEqual(r.value.groupLength, { declared: 40, actual: 56 });
  });

  it('refuses a non-command element, a duplicate, an undefined length and a bad US length', () => {
    const notGroup0 = decodeCommandSet(hex('08 00 52 00  00 00 00 00'));
    assert.ok(!notGroup0.ok && notGroup0.error.code === 'not-command-group' && notGroup0.error.offset === 0);
    const dup = decodeCommandSet(hex('00 00 10 01 02 00 00 00 01 00   00 00 10 01 02 00 00 00 02 00'));
    assert.ok(!dup.ok && dup.error.code === 'duplicate-element' && dup.error.offset === 10);
    assert.match(dup.ok ? '' : dup.error.field, /MessageID \(0000,0110\)/);
    const undef = decodeCommandSet(hex('00 00 02 00 ff ff ff ff  fe ff dd e0 00 00 00 00'));
    assert.ok(!undef.ok && undef.error.code === 'undefined-length');
    const shortUs = decodeCommandSet(hex('00 00 00 01 01 00 00 00 30'));
    assert.ok(shortUs.ok);
    const us = getUs(shortUs.value, CommandElement.CommandField);
    assert.ok(!us.ok && us.error.code === 'invalid-value-length' && us.error.offset === 8);
    const badAt = decodeCommandSet(hex('00 00 01 09 02 00 00 00 10 00'));
    assert.ok(badAt.ok);
    assert.equal(getAt(badAt.value, CommandElement.OffendingElement).ok, false);
  });

  it('gives an error for every truncation that cuts an element', () => {
    const starts = [0, 12, 38, 48, 58, 68];
    for (let cut = 0; cut <= ECHOSCU_C_ECHO_RQ.length; cut++) {
      const r = decodeCommandSet(ECHOSCU_C_ECHO_RQ.subarray(0, cut));
      assert.equal(r.ok, starts.includes(cut), `cut at ${cut}`);
      if (r.ok && cut < ECHOSCU_C_ECHO_RQ.length) assert.notEqual(r.value.groupLength.declared, r.value.groupLength.actual);
    }
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = decodeCommandSet(Buffer.from(bytes));
        if (r.ok) for (const tag of r.value.elements.keys()) assert.equal(tag >>> 16, 0);
      }),
      { numRuns: 2000 },
    );
  });

  /** Elements of group 0000 mostly, with lengths that fit, overrun, or say "undefined", tags repeated at times. */
  const commandLike = fc
    .array(
      fc.record({
        group: fc.constantFrom(0, 0, 0, 0, 0x0008, 0xfffe),
        element: fc.constantFrom(0x0000, 0x0002, 0x0100, 0x0110, 0x0120, 0x0800, 0x0900, 0x0902),
        data: fc.uint8Array({ maxLength: 12 }),
        length: fc.constantFrom('fits', 'fits', 'fits', 'over', 'undefined'),
      }),
      { maxLength: 8 },
    )
    .chain((els) => fc.tuple(fc.constant(els), fc.nat({ max: 8 * 24 })))
    .map(([els, cut]) => {
      const parts = els.map((e) => {
        const h = Buffer.alloc(8);
        h.writeUInt16LE(e.group, 0);
        h.writeUInt16LE(e.element, 2);
        h.writeUInt32LE(e.length === 'fits' ? e.data.length : e.length === 'over' ? e.data.length + 9 : 0xffffffff, 4);
        return Buffer.concat([h, e.data]);
      });
      const whole = Buffer.concat(parts);
      return cut % 3 === 0 ? whole.subarray(0, cut % (whole.length + 1)) : whole;
    });

  it('reads every command set, whole, cut or broken, as the dataset walker reads it', () => {
    fc.assert(
      fc.property(fc.oneof(commandLike, fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b))), (bytes) => {
        assert.deepEqual(decodeCommandSet(bytes), walkCommandSet(bytes));
      }),
      { numRuns: 3000 },
    );
    assert.deepEqual(decodeCommandSet(ECHOSCU_C_ECHO_RQ), walkCommandSet(ECHOSCU_C_ECHO_RQ));
  });
});
