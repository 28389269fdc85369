/**
 * Tags as numbers, group in the high 16 bits (PS3.5 7.1: a Data Element Tag is
 * an ordered pair of 16-bit unsigned integers, group then element).
 */

export function tag(group: number, element: number): number {
  return ((group & 0xffff) * 0x10000 + (element & 0xffff)) >>> 0;
}

export function tagGroup(t: number): number {
  return t >>> 16;
}

export function tagElement(t: number): number {
  return t & 0xffff;
}

/** Eight upper-case hex digits, the form privacy/ and the inventory use ("0020000D"). */
export function tagKey(t: number): string {
  return (t >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** "(0020,000D)", the form PS3.6 prints, for messages. */
export function formatTag(t: number): string {
  const k = tagKey(t);
  return `(${k.slice(0, 4)},${k.slice(4)})`;
}

/** PS3.5 7.5: items and delimiters live in group FFFE and carry no VR in any transfer syntax. */
export const ITEM = 0xfffee000;
export const ITEM_DELIMITATION = 0xfffee00d;
export const SEQUENCE_DELIMITATION = 0xfffee0dd;

/** PS3.5 7.1.1: a value length of FFFFFFFFH means undefined length. */
export const UNDEFINED_LENGTH = 0xffffffff;

/** The few PS3.6 data elements the scanner and the lab name in code. */
export const Tags = {
  SpecificCharacterSet: 0x00080005,
  QueryRetrieveLevel: 0x00080052,
  ModalitiesInStudy: 0x00080061,
  StudyDate: 0x00080020,
  AccessionNumber: 0x00080050,
  PatientName: 0x00100010,
  PatientID: 0x00100020,
  StudyInstanceUID: 0x0020000d,
  NumberOfStudyRelatedSeries: 0x00201206,
  NumberOfStudyRelatedInstances: 0x00201208,
} as const;
