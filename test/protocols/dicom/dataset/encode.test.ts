import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DatasetEncodeError,
  type ElementInput,
  encodeDataset,
  encodeFindIdentifier,
} from '../../../../src/protocols/dicom/dataset/encode.ts';
import { Tags } from '../../../../src/protocols/dicom/dataset/tag.ts';
import { readIntegerString, readString, readStrings, readUint16 } from '../../../../src/protocols/dicom/dataset/values.ts';
import { findElement, listElements } from '../../../../src/protocols/dicom/dataset/walk.ts';
import { EXPLICIT, IMPLICIT, hex } from './build.ts';

const STUDY_KEYS = [
  { tag: Tags.StudyInstanceUID, vr: 'UI' },
  { tag: Tags.PatientID, vr: 'LO' },
  { tag: Tags.NumberOfStudyRelatedInstances, vr: 'IS' },
  { tag: Tags.ModalitiesInStudy, vr: 'CS' },
] as const;

describe('encodeFindIdentifier', () => {
  it('writes a study-level identifier with universal keys in Implicit VR LE, in tag order', () => {
    assert.deepEqual(
      encodeFindIdentifier('STUDY', STUDY_KEYS, IMPLICIT),
      hex(`
        08 00 52 00  06 00 00 00  53 54 55 44 59 20  // (0008,0052) QueryRetrieveLevel "STUDY " (padded to even)
        08 00 61 00  00 00 00 00                     // (0008,0061) ModalitiesInStudy, empty
        10 00 20 00  00 00 00 00                     // (0010,0020) PatientID, empty
        20 00 0d 00  00 00 00 00                     // (0020,000D) StudyInstanceUID, empty
        20 00 08 12  00 00 00 00                     // (0020,1208) NumberOfStudyRelatedInstances, empty
      `),
    );
  });

  it('writes the same identifier in Explicit VR LE', () => {
    assert.deepEqual(
      encodeFindIdentifier('STUDY', STUDY_KEYS.slice(0, 2), EXPLICIT),
      hex(`
        08 00 52 00  43 53 06 00  53 54 55 44 59 20  // (0008,0052) CS, 6, "STUDY "
        10 00 20 00  4c 4f 00 00                     // (0010,0020) LO, empty
        20 00 0d 00  55 49 00 00                     // (0020,000D) UI, empty
      `),
    );
  });

  it('pads a UI value with NUL and other strings with a space', () => {
    const buf = encodeFindIdentifier('SERIES', [{ tag: Tags.StudyInstanceUID, vr: 'UI', value: '1.2.3' }], IMPLICIT);
    assert.deepEqual(buf.subarray(14), hex('20 00 0d 00  06 00 00 00  31 2e 32 2e 33 00'));
    assert.deepEqual(buf.subarray(8, 14), Buffer.from('SERIES'));
  });
});

describe('encodeDataset', () => {
  it('round-trips a response dataset through the walker and value readers', () => {
    const elements: ElementInput[] = [
      { tag: Tags.StudyInstanceUID, vr: 'UI', value: '1.2.826.0.1.3680043.2.1125.1' },
      { tag: Tags.ModalitiesInStudy, vr: 'CS', value: ['CT', 'MR'] },
      { tag: Tags.NumberOfStudyRelatedInstances, vr: 'IS', value: '137' },
      { tag: 0x00280010, vr: 'US', value: 512 },
      {
        tag: 0x00081110,
        vr: 'SQ',
        items: [[{ tag: 0x00081150, vr: 'UI', value: '1.2' }], [{ tag: 0x00081155, vr: 'UI', value: '1.2.3' }]],
      },
    ];
    for (const ts of [IMPLICIT, EXPLICIT]) {
      const buf = encodeDataset(elements, ts);
      const r = listElements(buf, ts);
      assert.ok(r.ok);
      assert.deepEqual(
        r.elements.map((e) => e.tag),
        [0x00080061, 0x00081110, 0x0020000d, 0x00201208, 0x00280010],
      );
      const get = (tag: number) => {
        const e = findElement(r.elements, tag);
        assert.ok(e);
        return e;
      };
      assert.equal(readString(buf, get(Tags.StudyInstanceUID)), '1.2.826.0.1.3680043.2.1125.1');
      assert.deepEqual(readStrings(buf, get(Tags.ModalitiesInStudy)), ['CT', 'MR']);
      assert.equal(readIntegerString(buf, get(Tags.NumberOfStudyRelatedInstances)), 137);
      assert.equal(readUint16(buf, get(0x00280010)), 512);
      assert.equal(get(0x00081110).undefinedLength, true);
    }
  });

  it('refuses input it cannot encode as asked, with a code', () => {
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof DatasetEncodeError);
        return e.code;
      }
      return 'no error';
    };
    const lo = (value: string): ElementInput => ({ tag: 0x00081030, vr: 'LO', value });
    assert.equal(code(() => encodeDataset([lo('a')], '1.2.840.10008.1.2.2')), 'unsupported-transfer-syntax');
    assert.equal(code(() => encodeDataset([lo('a'), lo('b')], IMPLICIT)), 'duplicate-tag');
    assert.equal(code(() => encodeDataset([{ tag: 0x00000100, vr: 'US', value: 1 }], IMPLICIT)), 'invalid-tag');
    assert.equal(code(() => encodeDataset([{ tag: 0xfffee000, vr: 'US', value: 1 }], IMPLICIT)), 'invalid-tag');
    assert.equal(code(() => encodeDataset([{ tag: 0x00280010, vr: 'US', value: 70000 }], IMPLICIT)), 'invalid-value');
    assert.equal(code(() => encodeDataset([{ tag: 0x00280010, vr: 'ZZ', value: 'x' } as unknown as ElementInput], IMPLICIT)), 'invalid-vr');
    assert.equal(code(() => encodeDataset([lo('Zoë')], IMPLICIT)), 'character-set');
    assert.equal(code(() => encodeFindIdentifier('STUDY', [{ tag: Tags.QueryRetrieveLevel, vr: 'CS' }], IMPLICIT)), 'duplicate-tag');
    const utf8 = encodeDataset([{ tag: Tags.SpecificCharacterSet, vr: 'CS', value: 'ISO_IR 192' }, lo('Zoë')], IMPLICIT);
    assert.ok(utf8.includes(Buffer.from('Zoë', 'utf8')));
  });

  it('round-trips random string and number values in both transfer syntaxes', () => {
    const text = fc.stringMatching(/^[A-Za-z0-9.^_-][A-Za-z0-9 .^_-]{0,30}[A-Za-z0-9.^_-]$/);
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(IMPLICIT, EXPLICIT), (s, n, ts) => {
        const buf = encodeDataset(
          [
            { tag: 0x00081030, vr: 'LO', value: s },
            { tag: 0x00280010, vr: 'US', value: n },
          ],
          ts,
        );
        const r = listElements(buf, ts);
        assert.ok(r.ok);
        const [desc, rows] = r.elements;
        assert.ok(desc && rows);
        assert.equal(desc.length % 2, 0); // PS3.5 7.1.1: even value length
        assert.equal(readString(buf, desc), s);
        assert.equal(readUint16(buf, rows), n);
      }),
      { numRuns: 300 },
    );
  });
});
