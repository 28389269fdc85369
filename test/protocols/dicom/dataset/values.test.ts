import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  hasValue,
  readIntegerString,
  readString,
  readStrings,
  readUint16,
  readUint32,
  splitMultiValue,
  valueBytes,
} from '../../../../src/protocols/dicom/dataset/values.ts';
import { type DatasetElement, findElement, listElements } from '../../../../src/protocols/dicom/dataset/walk.ts';
import { IMPLICIT, hex } from './build.ts';

const MATCH = hex(`
  08 00 61 00  06 00 00 00  43 54 5c 4d 52 20   // (0008,0061) ModalitiesInStudy "CT\\MR "
  20 00 0d 00  06 00 00 00  31 2e 32 2e 33 00   // (0020,000D) StudyInstanceUID "1.2.3\\0"
  20 00 08 12  04 00 00 00  20 34 32 20         // (0020,1208) NumberOfStudyRelatedInstances " 42 "
  28 00 10 00  04 00 00 00  00 02 01 00         // (0028,0010) US, two values 512 and 1
  28 00 00 01  04 00 00 00  78 56 34 12         // (0028,0100) UL 0x12345678
  10 00 20 00  00 00 00 00                      // (0010,0020) PatientID, empty (universal match came back empty)
`);

function el(tag: number): DatasetElement {
  const r = listElements(MATCH, IMPLICIT);
  assert.ok(r.ok);
  const found = findElement(r.elements, tag);
  assert.ok(found);
  return found;
}

describe('values', () => {
  it('reads the values the scanner needs', () => {
    assert.deepEqual(readStrings(MATCH, el(0x00080061)), ['CT', 'MR']);
    assert.equal(readString(MATCH, el(0x0020000d)), '1.2.3');
    assert.equal(readIntegerString(MATCH, el(0x00201208)), 42);
    assert.equal(readUint16(MATCH, el(0x00280010)), 512);
    assert.equal(readUint16(MATCH, el(0x00280010), 1), 1);
    assert.equal(readUint16(MATCH, el(0x00280010), 2), undefined);
    assert.equal(readUint32(MATCH, el(0x00280100)), 0x12345678);
    assert.equal(readUint32(MATCH, el(0x00280010), 1), undefined);
  });

  it('an empty value is present but has no value', () => {
    const e = el(0x00100020);
    assert.equal(hasValue(e), false);
    assert.equal(readString(MATCH, e), '');
    assert.deepEqual(readStrings(MATCH, e), []);
    assert.equal(readIntegerString(MATCH, e), undefined);
  });

  it('refuses malformed integer strings and values outside the buffer', () => {
    const is = (text: string): number | undefined => {
      const buf = Buffer.from(text, 'latin1');
      return readIntegerString(buf, { tag: 0x00201208, length: buf.length, undefinedLength: false, valueOffset: 0 });
    };
    assert.equal(is('+7'), 7);
    assert.equal(is('-3 '), -3);
    assert.equal(is('12\\5'), 12);
    assert.equal(is('1.5'), undefined);
    assert.equal(is('1e3'), undefined);
    assert.equal(is('abc'), undefined);
    assert.equal(is('1234567890123'), undefined);
    const outside: DatasetElement = { tag: 1, length: 10, undefinedLength: false, valueOffset: MATCH.length - 4 };
    assert.equal(valueBytes(MATCH, outside), undefined);
    assert.equal(readString(MATCH, { ...outside, undefinedLength: true, length: 0 }), undefined);
  });

  it('splits multi-valued strings and trims each value', () => {
    assert.deepEqual(splitMultiValue('CT\\ MR \\\0'), ['CT', 'MR', '']);
    assert.deepEqual(splitMultiValue(''), []);
  });

  it('never throws for any element over any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: -4, max: 80 }), fc.integer({ min: -4, max: 80 }), fc.boolean(), (bytes, offset, length, undef) => {
        const buf = Buffer.from(bytes);
        const e: DatasetElement = { tag: 0x00100020, length, undefinedLength: undef, valueOffset: offset };
        readString(buf, e);
        readStrings(buf, e);
        readIntegerString(buf, e);
        readUint16(buf, e, 1);
        readUint32(buf, e);
      }),
    );
  });
});
