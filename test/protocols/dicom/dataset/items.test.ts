import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readString } from '../../../../src/protocols/dicom/dataset/values.ts';
import { listElements, listItems, type DatasetElement } from '../../../../src/protocols/dicom/dataset/walk.ts';
import { EXPLICIT, IMPLICIT, build, hex, nodeArb, type Node } from './build.ts';

const SPS = 0x00400100;
const MODALITY = 0x00080060;

function leaf(tag: number, text: string): Node {
  return { kind: 'leaf', tag, vr: 'LO', value: Buffer.from(text, 'latin1') };
}

/** A worklist-shaped dataset: PatientID, then a Scheduled Procedure Step Sequence of the given items. */
function worklistItem(items: readonly (readonly Node[])[], shape: { undefinedLength: boolean; undefinedItems: boolean }): Node[] {
  return [leaf(0x00100020, 'ID42'), { kind: 'seq', tag: SPS, items, ...shape }];
}

function sequenceOf(buf: Buffer, ts: string): DatasetElement {
  const walked = listElements(buf, ts);
  assert.ok(walked.ok);
  const sq = walked.elements.find((e) => e.tag === SPS);
  assert.ok(sq);
  return sq;
}

describe('listItems', () => {
  for (const [ts, explicit] of [
    [IMPLICIT, false],
    [EXPLICIT, true],
  ] as const) {
    for (const undefinedLength of [false, true]) {
      for (const undefinedItems of [false, true]) {
        it(`reads the first item's elements (${explicit ? 'explicit' : 'implicit'} VR, sequence ${undefinedLength ? 'undefined' : 'defined'} length, items ${undefinedItems ? 'undefined' : 'defined'} length), offsets into the whole buffer`, () => {
          const buf = build(worklistItem([[leaf(MODALITY, 'CT'), leaf(0x00400007, 'STEP')], [leaf(MODALITY, 'MR')]], { undefinedLength, undefinedItems }), explicit);
          const r = listItems(buf, sequenceOf(buf, ts), ts);
          assert.ok(r.ok);
          assert.equal(r.items.length, 1, 'one item by default');
          assert.deepEqual(r.items[0]!.map((e) => e.tag), [MODALITY, 0x00400007]);
          assert.equal(readString(buf, r.items[0]![0]!), 'CT');
          const both = listItems(buf, sequenceOf(buf, ts), ts, { maxItems: 5 });
          assert.ok(both.ok);
          assert.deepEqual(both.items.map((i) => readString(buf, i[0]!)), ['CT', 'MR']);
        });
      }
    }
  }

  it('skips a sequence nested in an item, listing it as one element', () => {
    const nested: Node = { kind: 'seq', tag: 0x00400008, items: [[leaf(0x00080100, 'CODE')]], undefinedLength: true, undefinedItems: true };
    const buf = build(worklistItem([[leaf(MODALITY, 'US'), nested, leaf(0x00400009, 'SPS1')]], { undefinedLength: true, undefinedItems: false }), true);
    const r = listItems(buf, sequenceOf(buf, EXPLICIT), EXPLICIT);
    assert.ok(r.ok);
    assert.deepEqual(r.items[0]!.map((e) => e.tag), [MODALITY, 0x00400008, 0x00400009]);
    assert.equal(readString(buf, r.items[0]![2]!), 'SPS1');
  });

  it('an empty sequence has no items', () => {
    const buf = build(worklistItem([], { undefinedLength: true, undefinedItems: false }), false);
    assert.deepEqual(listItems(buf, sequenceOf(buf, IMPLICIT), IMPLICIT), { ok: true, items: [] });
  });

  it('an item longer than its sequence is an error at the item length, not a read past it', () => {
    // (0040,0100) of defined length 16 holding an item that declares 100 bytes; a PatientID follows the sequence.
    const buf = hex(`
      40 00 00 01  10 00 00 00          // (0040,0100), implicit VR, 16 bytes
        fe ff 00 e0  64 00 00 00        //   Item, 100 bytes declared (offset 8)
        08 00 60 00  00 00 00 00        //   (0008,0060), empty
      10 00 20 00  04 00 00 00  49 44 34 32
    `);
    const r = listItems(buf, sequenceOf(buf, IMPLICIT), IMPLICIT);
    assert.equal(r.ok, false);
    assert.equal(r.ok ? undefined : r.error.code, 'length-beyond-buffer');
    assert.equal(r.ok ? undefined : r.error.offset, 12);
  });

  it('something other than an item inside the sequence is an error naming its tag', () => {
    const buf = hex(`
      40 00 00 01  08 00 00 00          // (0040,0100), implicit VR, 8 bytes
        08 00 60 00  00 00 00 00        //   (0008,0060) where an item belongs
    `);
    const r = listItems(buf, sequenceOf(buf, IMPLICIT), IMPLICIT);
    assert.equal(r.ok ? undefined : r.error.code, 'unexpected-tag-in-sequence');
    assert.equal(r.ok ? undefined : r.error.offset, 8);
  });

  it('an element broken inside an item is reported at its offset in the whole buffer', () => {
    const buf = hex(`
      10 00 20 00  04 00 00 00  49 44 34 32   // (0010,0020) PatientID
      40 00 00 01  18 00 00 00                // (0040,0100), implicit VR, 24 bytes (offset 12)
        fe ff 00 e0  10 00 00 00              //   Item, 16 bytes (offset 20)
          08 00 60 00  20 00 00 00  43 54 20 20  00 00 00 00   // (0008,0060) declares 32 bytes, 4 left (offset 28)
    `);
    const r = listItems(buf, sequenceOf(buf, IMPLICIT), IMPLICIT);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, 'length-beyond-buffer');
    assert.equal(r.error.offset, 32);
    assert.match(r.error.message, /^value length of \(0008,0060\) at offset 32: 32 bytes declared/);
  });

  it('never throws, and never reads past the sequence, on arbitrary datasets and bytes', () => {
    fc.assert(
      fc.property(fc.array(nodeArb(2), { maxLength: 4 }), fc.boolean(), fc.uint8Array({ maxLength: 64 }), (nodes, explicit, noise) => {
        const ts = explicit ? EXPLICIT : IMPLICIT;
        const buf = Buffer.concat([build(nodes, explicit), Buffer.from(noise)]);
        const walked = listElements(buf, ts);
        for (const el of walked.elements) {
          const r = listItems(buf, el, ts, { maxItems: 4 });
          for (const item of r.items) for (const e of item) assert.ok(e.valueOffset >= el.valueOffset && e.valueOffset + e.length <= el.valueOffset + el.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
