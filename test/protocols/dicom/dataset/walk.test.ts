import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_MAX_ELEMENTS, listElements, walkDataset } from '../../../../src/protocols/dicom/dataset/walk.ts';
import { EXPLICIT, IMPLICIT, boundaries, build, hex, nodeArb, type Node } from './build.ts';

/**
 * A study-level C-FIND match in Implicit VR Little Endian with a nested
 * sequence of undefined length (values are synthetic).
 */
const IMPLICIT_MATCH = hex(`
  08 00 52 00  06 00 00 00  53 54 55 44 59 20   // (0008,0052) QueryRetrieveLevel, 6 bytes "STUDY "
  08 00 10 11  ff ff ff ff                      // (0008,1110) ReferencedStudySequence, undefined length (offset 14)
    fe ff 00 e0  ff ff ff ff                    //   Item, undefined length
      08 00 50 11  04 00 00 00  31 2e 32 00     //     (0008,1150) ReferencedSOPClassUID "1.2\\0"
      40 00 30 a7  ff ff ff ff                  //     (0040,A730) ContentSequence, undefined length
        fe ff 00 e0  08 00 00 00                //       Item, 8 bytes
          08 00 00 01  00 00 00 00              //         (0008,0100) CodeValue, empty
      fe ff dd e0  00 00 00 00                  //     Sequence Delimitation Item
    fe ff 0d e0  00 00 00 00                    //   Item Delimitation Item
  fe ff dd e0  00 00 00 00                      // Sequence Delimitation Item
  10 00 20 00  04 00 00 00  49 44 34 32         // (0010,0020) PatientID, 4 bytes (offset 90)
`);

/** The same kinds of elements in Explicit VR Little Endian. */
const EXPLICIT_MATCH = hex(`
  08 00 52 00  43 53 06 00  53 54 55 44 59 20   // (0008,0052) CS, 16-bit length 6, "STUDY "
  08 00 10 11  53 51 00 00  ff ff ff ff         // (0008,1110) SQ, reserved, undefined length (offset 14)
  fe ff dd e0  00 00 00 00                      //   Sequence Delimitation Item: no items
  09 00 01 10  55 4e 00 00  ff ff ff ff         // (0009,1001) UN, undefined length: contents are implicit VR (offset 34)
    fe ff 00 e0  ff ff ff ff                    //   Item, undefined length
      08 00 00 01  02 00 00 00  41 42           //     (0008,0100) implicit VR, 2 bytes
    fe ff 0d e0  00 00 00 00                    //   Item Delimitation Item
  fe ff dd e0  00 00 00 00                      // Sequence Delimitation Item
  08 00 30 10  55 54 00 00  02 00 00 00  41 20  // (0008,1030) UT, 32-bit length 2 (offset 80)
  20 00 0d 00  55 49 00 00                      // (0020,000D) UI, empty (offset 94)
`);

describe('walkDataset', () => {
  it('yields top-level elements of an implicit VR dataset and skips a nested undefined-length sequence', () => {
    const r = listElements(IMPLICIT_MATCH, IMPLICIT);
    assert.ok(r.ok);
    assert.deepEqual(r.elements, [
      { tag: 0x00080052, length: 6, undefinedLength: false, valueOffset: 8 },
      { tag: 0x00081110, length: 60, undefinedLength: true, valueOffset: 22 },
      { tag: 0x00100020, length: 4, undefinedLength: false, valueOffset: 98 },
    ]);
  });

  it('reads explicit VR headers, short and long, and walks UN of undefined length as implicit VR', () => {
    const r = listElements(EXPLICIT_MATCH, EXPLICIT);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.deepEqual(r.elements, [
      { tag: 0x00080052, vr: 'CS', length: 6, undefinedLength: false, valueOffset: 8 },
      { tag: 0x00081110, vr: 'SQ', length: 0, undefinedLength: true, valueOffset: 26 },
      { tag: 0x00091001, vr: 'UN', length: 26, undefinedLength: true, valueOffset: 46 },
      { tag: 0x00081030, vr: 'UT', length: 2, undefinedLength: false, valueOffset: 92 },
      { tag: 0x0020000d, vr: 'UI', length: 0, undefinedLength: false, valueOffset: 102 },
    ]);
  });

  it('names the field and offset of a length beyond the buffer', () => {
    const buf = hex('10 00 20 00  40 00 00 00  49 44'); // (0010,0020) declares 64 bytes, 2 follow
    const r = listElements(buf, IMPLICIT);
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'length-beyond-buffer');
    assert.equal(r.error.field, 'value length of (0010,0020)');
    assert.equal(r.error.offset, 4);
    assert.doesNotMatch(r.error.message, /ID/); // no value in the message
  });

  it('keeps the elements read before an error', () => {
    const buf = Buffer.concat([IMPLICIT_MATCH.subarray(0, 14), hex('10 00 20 00 ff 00')]);
    const r = listElements(buf, IMPLICIT);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'truncated');
    assert.equal(r.error.offset, 14);
    assert.equal(r.elements.length, 1);
  });

  it('refuses an unknown VR, a stray delimiter and an unsupported transfer syntax', () => {
    const badVr = listElements(hex('08 00 52 00  5a 5a 00 00'), EXPLICIT);
    assert.ok(!badVr.ok && badVr.error.code === 'invalid-vr' && badVr.error.offset === 4);
    const stray = listElements(hex('fe ff dd e0  00 00 00 00'), IMPLICIT);
    assert.ok(!stray.ok && stray.error.code === 'unexpected-delimiter');
    const bigEndian = listElements(IMPLICIT_MATCH, '1.2.840.10008.1.2.2');
    assert.ok(!bigEndian.ok && bigEndian.error.code === 'unsupported-transfer-syntax');
  });

  it('stops at the depth bound instead of following sequences nested without end', () => {
    let nodes: Node[] = [{ kind: 'leaf', tag: 0x00080100, vr: 'LO', value: new Uint8Array() }];
    for (let i = 0; i < 20; i++) nodes = [{ kind: 'seq', tag: 0x0040a730, items: [nodes], undefinedLength: true, undefinedItems: true }];
    const buf = build(nodes, false);
    const deep = listElements(buf, IMPLICIT);
    assert.ok(!deep.ok && deep.error.code === 'depth-exceeded');
    assert.ok(listElements(buf, IMPLICIT, { maxDepth: 20 }).ok);
  });

  it('stops at the element bound: more top-level elements than any archive writes end the walk with an error', () => {
    const empty = new Uint8Array();
    const flat = (n: number): Buffer => build(Array.from({ length: n }, (_, i): Node => ({ kind: 'leaf', tag: 0x00090010 + i, vr: 'LO', value: empty })), false);
    const many = listElements(flat(DEFAULT_MAX_ELEMENTS + 1), IMPLICIT);
    assert.ok(!many.ok && many.error.code === 'too-many-elements');
    assert.equal(many.elements.length, DEFAULT_MAX_ELEMENTS, 'the elements before the bound are kept, no more');
    assert.equal(many.error.offset, DEFAULT_MAX_ELEMENTS * 8);
    assert.ok(listElements(flat(DEFAULT_MAX_ELEMENTS), IMPLICIT).ok);
    const small = listElements(flat(11), IMPLICIT, { maxElements: 10 });
    assert.ok(!small.ok && small.error.code === 'too-many-elements');
  });

  it('gives an error at every offset that is not an element boundary', () => {
    for (const [buf, ts, starts] of [
      [IMPLICIT_MATCH, IMPLICIT, [0, 14, 90, 102]],
      [EXPLICIT_MATCH, EXPLICIT, [0, 14, 34, 80, 94, 102]],
    ] as const) {
      for (let cut = 0; cut <= buf.length; cut++) {
        const r = listElements(buf.subarray(0, cut), ts);
        assert.equal(r.ok, (starts as readonly number[]).includes(cut), `cut at ${cut}`);
      }
    }
  });

  it('a generator: the return value carries the outcome', () => {
    const it = walkDataset(hex('08 00 52 00 06 00'), IMPLICIT);
    const step = it.next();
    assert.ok(step.done);
    assert.equal(step.value.ok, false);
  });
});

describe('walkDataset properties', () => {
  it('never throws on arbitrary bytes, and every element lies inside the buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.constantFrom(IMPLICIT, EXPLICIT), (bytes, ts) => {
        const buf = Buffer.from(bytes);
        const r = listElements(buf, ts);
        for (const el of r.elements) {
          assert.ok(el.valueOffset + el.length <= buf.length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on valid datasets with bytes overwritten', () => {
    fc.assert(
      fc.property(
        fc.array(nodeArb(3), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (nodes, explicit, edits) => {
          const buf = build(nodes, explicit);
          for (const [at, byte] of edits) if (buf.length > 0) buf[at % buf.length] = byte;
          const r = listElements(buf, explicit ? EXPLICIT : IMPLICIT, { maxDepth: 4 });
          for (const el of r.elements) assert.ok(el.valueOffset + el.length <= buf.length);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('yields exactly the top-level tags of random datasets with nested sequences', () => {
    fc.assert(
      fc.property(fc.array(nodeArb(3), { maxLength: 6 }), fc.boolean(), (nodes, explicit) => {
        const buf = build(nodes, explicit);
        const r = listElements(buf, explicit ? EXPLICIT : IMPLICIT);
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        assert.deepEqual(
          r.elements.map((e) => e.tag),
          nodes.map((n) => n.tag),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('truncating a random dataset anywhere but an element boundary gives an error value', () => {
    fc.assert(
      fc.property(fc.array(nodeArb(2), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.nat(), (nodes, explicit, n) => {
        const buf = build(nodes, explicit);
        const cut = n % (buf.length + 1);
        const r = listElements(buf.subarray(0, cut), explicit ? EXPLICIT : IMPLICIT);
        assert.equal(r.ok, boundaries(nodes, explicit).includes(cut));
      }),
      { numRuns: 1000 },
    );
  });
});
