/**
 * What an archive exposes, read through Study Root C-FIND (PS3.4 C.6.2):
 * a STUDY-level query with universal matching, counted and inventoried as the
 * responses arrive; then, only for peers that do not return the study-related
 * counts (DCMTK dcmqrscp, for one), a bounded hierarchical count of series and
 * images (SERIES level per study, IMAGE level per series).
 *
 * Values are looked at in memory only: PatientID goes into the keyed distinct
 * counter; study and series UIDs are held just long enough to ask the next
 * level; counts are summed; ModalitiesInStudy is kept only when it is a
 * defined term (observation/modality.ts), any other value is only counted.
 * Everything else is reduced to "this tag came back non-empty". An identifier
 * the dataset walker cannot read ends the query as a protocol error, counts
 * kept as lower bounds (decision 0009).
 */
import type { FindKey } from '../../protocols/dicom/dataset/encode.ts';
import { readString } from '../../protocols/dicom/dataset/values.ts';
import { listElements, type DatasetElement, type WalkError } from '../../protocols/dicom/dataset/walk.ts';
import type { DistinctCounter } from '../../privacy/pseudonyms.ts';
import { InventoryBuilder } from '../../privacy/inventory.ts';
import type { Count } from '../../observation/observation.ts';
import { isModality, type Modality } from '../../observation/modality.ts';
import { AssociationProtocolError, type Association } from './association.ts';
import { cFind, type FindContext, type FindOutcome } from './c-find.ts';

const TAG = {
  StudyInstanceUID: 0x0020000d,
  SeriesInstanceUID: 0x0020000e,
  SOPInstanceUID: 0x00080018,
  PatientID: 0x00100020,
  ModalitiesInStudy: 0x00080061,
  NumberOfStudyRelatedSeries: 0x00201206,
  NumberOfStudyRelatedInstances: 0x00201208,
  SpecificCharacterSet: 0x00080005,
  NumberOfSeriesRelatedInstances: 0x00201209,
  Modality: 0x00080060,
} as const;

/** Study-level return keys (PS3.4 C.6.2.1.2), each asked empty: the identifying ones are for the inventory only. */
export const STUDY_RETURN_KEYS: readonly FindKey[] = [
  { tag: TAG.StudyInstanceUID, vr: 'UI' },
  { tag: TAG.ModalitiesInStudy, vr: 'CS' },
  { tag: TAG.NumberOfStudyRelatedSeries, vr: 'IS' },
  { tag: TAG.NumberOfStudyRelatedInstances, vr: 'IS' },
  { tag: 0x00100010, vr: 'PN' }, // PatientName
  { tag: TAG.PatientID, vr: 'LO' },
  { tag: 0x00100030, vr: 'DA' }, // PatientBirthDate
  { tag: 0x00100040, vr: 'CS' }, // PatientSex
  { tag: 0x00101010, vr: 'AS' }, // PatientAge
  { tag: 0x00101020, vr: 'DS' }, // PatientSize
  { tag: 0x00101030, vr: 'DS' }, // PatientWeight
  { tag: 0x00101040, vr: 'LO' }, // PatientAddress
  { tag: 0x00080020, vr: 'DA' }, // StudyDate
  { tag: 0x00080050, vr: 'SH' }, // AccessionNumber
  { tag: 0x00200010, vr: 'SH' }, // StudyID
  { tag: 0x00081030, vr: 'LO' }, // StudyDescription
  { tag: 0x00080090, vr: 'PN' }, // ReferringPhysicianName
];

export interface StudyQueryResult extends FindOutcome {
  /** Defined terms seen, sorted. */
  readonly modalities: Modality[];
  /** Values seen in ModalitiesInStudy or Modality that were not a defined term: counted, never kept. */
  readonly otherModalities: number;
  readonly patients: Count;
  readonly studies: Count;
  readonly series?: Count;
  readonly images?: Count;
  readonly inventory: InventoryBuilder;
  /** Of the STUDY-level matches read: how many carried Specific Character Set (not asked), how many filled both study-related counts. */
  readonly answer: { readonly specificCharacterSet: number; readonly studyRelatedCounts: number };
}

/**
 * Values read from one ModalitiesInStudy element: a study holds a handful of
 * modalities (PS3.3 defines 97 terms in all), so values past this many are
 * noise a peer made up, and are neither split out nor read.
 */
const MAX_MODALITY_VALUES = 128;

/** Modality codes of a query: a closed vocabulary (PS3.3 C.7.3.1.1.1); anything else is a number, never a string. */
export class ModalityTally {
  readonly terms = new Set<Modality>();
  other = 0;

  /** One CS element, multi-valued with backslashes (PS3.5 6.4), each value space-padded at most. */
  add(value: string | undefined): void {
    for (const raw of (value ?? '').split('\\', MAX_MODALITY_VALUES)) {
      const m = raw.trim();
      if (m === '') continue;
      if (isModality(m)) this.terms.add(m);
      else this.other += 1;
    }
  }
}

/** A match whose identifier the walker could not read: structure named, never a value. */
export function malformedIdentifier(what: 'STUDY-level' | 'SERIES-level' | 'worklist', e: WalkError): AssociationProtocolError {
  return new AssociationProtocolError('MALFORMED_IDENTIFIER', `a ${what} C-FIND identifier could not be walked: ${e.code} (${e.field} at offset ${e.offset})`);
}

/**
 * Where a query's identifiers stand: after the first one the walker cannot read, the rest of
 * the answer is counted, not read, and the query ends as a protocol error (decision 0009).
 */
export interface IdentifierReads {
  malformed?: WalkError;
}

/** The top-level elements of one match's identifier, or undefined once one could not be walked. */
export function readIdentifier(ds: Buffer, transferSyntax: string, reads: IdentifierReads): readonly DatasetElement[] | undefined {
  if (reads.malformed) return undefined;
  const walked = listElements(ds, transferSyntax);
  if (!walked.ok) {
    reads.malformed = walked.error;
    return undefined;
  }
  return walked.elements;
}

function tagHex(tag: number): string {
  return (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** A non-negative integer string (IS), or undefined. */
function readCount(ds: Buffer, el: DatasetElement): number | undefined {
  const n = Number.parseInt(readString(ds, el) ?? '', 10);
  return Number.isSafeInteger(n) && n >= 0 && n < 1e9 ? n : undefined;
}

class Tally {
  n = 0;
  seen = false;
  atLeast = false;
  add(v: number | undefined): void {
    if (v === undefined) return;
    this.n += v;
    this.seen = true;
  }
  count(): Count | undefined {
    return this.seen ? { n: this.n, atLeast: this.atLeast } : undefined;
  }
}

export async function queryStudies(
  association: Association,
  context: FindContext,
  options: { maxRecords: number; nextMessageId: () => number; patients: DistinctCounter; studiesSeen?: (studyInstanceUid: string) => void },
): Promise<StudyQueryResult> {
  const inventory = new InventoryBuilder();
  const modalities = new ModalityTally();
  const reads: IdentifierReads = {};
  const studyUids: string[] = [];
  const series = new Tally();
  const images = new Tally();
  const answer = { specificCharacterSet: 0, studyRelatedCounts: 0 };

  const studies = await cFind(
    association,
    context,
    { messageId: options.nextMessageId(), query: { model: 'study-root', level: 'STUDY', keys: STUDY_RETURN_KEYS }, maxMatches: options.maxRecords },
    (ds) => {
      if (!ds) return inventory.addRecord([]);
      const elements = readIdentifier(ds, context.transferSyntax, reads);
      if (!elements) return;
      inventory.addRecord(filledTags(ds, elements));
      tallyShape(ds, elements, answer);
      for (const el of elements) {
        if (el.tag === TAG.PatientID) options.patients.add(readString(ds, el) ?? '');
        else if (el.tag === TAG.StudyInstanceUID) studyUids.push(readString(ds, el) ?? '');
        else if (el.tag === TAG.NumberOfStudyRelatedSeries) series.add(readCount(ds, el));
        else if (el.tag === TAG.NumberOfStudyRelatedInstances) images.add(readCount(ds, el));
        else if (el.tag === TAG.ModalitiesInStudy) modalities.add(readString(ds, el));
      }
    },
  );

  // Study UIDs go on to the honeypot facts (behaviour.ts): keyed and lure-hashed there, in memory.
  if (options.studiesSeen) for (const uid of studyUids) options.studiesSeen(uid);
  const malformed = reads.malformed;
  let error = studies.error ?? (malformed ? malformedIdentifier('STUDY-level', malformed) : undefined);
  if (studies.outcome === 'success' && !malformed && studies.matches > 0 && (!series.seen || !images.seen)) {
    const budget = { remaining: options.maxRecords };
    const walked = await countHierarchy(association, context, studyUids, budget, options.nextMessageId, modalities);
    if (!series.seen) Object.assign(series, walked.series);
    if (!images.seen) Object.assign(images, walked.images);
    error = walked.error;
  }
  // The study query stopped by our cap or by a protocol error: everything counted is a lower bound.
  const partial = studies.capped || studies.error !== undefined || malformed !== undefined;
  if (partial) series.atLeast = images.atLeast = true;

  const s = series.count();
  const i = images.count();
  return {
    ...studies,
    ...(malformed ? { outcome: 'protocol-error' as const } : {}),
    ...(error ? { error } : {}),
    modalities: [...modalities.terms].sort(),
    otherModalities: modalities.other,
    patients: { n: options.patients.size, atLeast: partial },
    studies: { n: studies.matches, atLeast: partial },
    ...(s ? { series: s } : {}),
    ...(i ? { images: i } : {}),
    inventory,
    answer,
  };
}

/**
 * True for a value with nothing in it: no bytes, or only the padding PS3.5 6.2 allows (spaces,
 * NULs for UI). Every key the probe asks (study level, worklist) is a string VR or a sequence,
 * where such a value is empty: a PatientID of two spaces is no patient (the keyed counter skips
 * it too) and no identifier returned.
 */
function blankValue(ds: Buffer, e: DatasetElement): boolean {
  for (let i = e.valueOffset; i < e.valueOffset + e.length && i < ds.length; i++) if (ds[i] !== 0x20 && ds[i] !== 0x00) return false;
  return true;
}

/** The tags of `elements` whose value is not blank, for the inventory: tags and lengths read, never a value kept. */
export function filledTags(ds: Buffer, elements: readonly DatasetElement[]): string[] {
  return elements.filter((e) => !blankValue(ds, e)).map((e) => tagHex(e.tag));
}

/** What one match's shape says about the product (behaviour-fingerprints.ts): tags and lengths only. */
function tallyShape(ds: Buffer, elements: readonly DatasetElement[], answer: { specificCharacterSet: number; studyRelatedCounts: number }): void {
  const filled = (tag: number): boolean => elements.some((e) => e.tag === tag && !blankValue(ds, e));
  if (filled(TAG.SpecificCharacterSet)) answer.specificCharacterSet += 1;
  if (filled(TAG.NumberOfStudyRelatedSeries) && filled(TAG.NumberOfStudyRelatedInstances)) answer.studyRelatedCounts += 1;
}

/**
 * Series and images under the given studies, for peers that only answer
 * hierarchical queries: every match spends one unit of the budget; when it
 * runs out the counts become lower bounds. A failed sub-query leaves them unknown;
 * a protocol error ends the walk with what was counted, as lower bounds.
 */
async function countHierarchy(
  association: Association,
  context: FindContext,
  studyUids: readonly string[],
  budget: { remaining: number },
  nextId: () => number,
  modalities: ModalityTally,
): Promise<{ series: Tally; images: Tally; error?: FindOutcome['error'] }> {
  const series = new Tally();
  const images = new Tally();
  for (const study of studyUids.filter((u) => u !== '')) {
    if (budget.remaining <= 0) break;
    const seriesOfStudy: Array<{ uid: string; instances?: number }> = [];
    const reads: IdentifierReads = {};
    const r = await cFind(
      association,
      context,
      {
        messageId: nextId(),
        query: {
          model: 'study-root',
          level: 'SERIES',
          keys: [
            { tag: TAG.StudyInstanceUID, vr: 'UI', value: study },
            { tag: TAG.SeriesInstanceUID, vr: 'UI' },
            { tag: TAG.NumberOfSeriesRelatedInstances, vr: 'IS' },
            { tag: TAG.Modality, vr: 'CS' },
          ],
        },
        maxMatches: budget.remaining,
      },
      (ds) => {
        if (!ds) return seriesOfStudy.push({ uid: '' });
        const elements = readIdentifier(ds, context.transferSyntax, reads);
        if (!elements) return;
        let uid = '';
        let instances: number | undefined;
        for (const el of elements) {
          if (el.tag === TAG.SeriesInstanceUID) uid = readString(ds, el) ?? '';
          else if (el.tag === TAG.NumberOfSeriesRelatedInstances) instances = readCount(ds, el);
          else if (el.tag === TAG.Modality) modalities.add(readString(ds, el));
        }
        seriesOfStudy.push(instances === undefined ? { uid } : { uid, instances });
      },
    );
    budget.remaining -= r.matches;
    const error = r.error ?? (reads.malformed ? malformedIdentifier('SERIES-level', reads.malformed) : undefined);
    if (error) {
      series.add(r.matches);
      series.atLeast = images.atLeast = true;
      return { series, images, error };
    }
    if (r.outcome !== 'success') return { series: new Tally(), images: new Tally() };
    series.add(r.matches);
    if (r.capped) series.atLeast = images.atLeast = true;
    for (const s of seriesOfStudy) {
      if (s.instances !== undefined) {
        images.add(s.instances);
        continue;
      }
      if (budget.remaining <= 0 || s.uid === '') {
        images.atLeast = true;
        continue;
      }
      const im = await cFind(
        association,
        context,
        {
          messageId: nextId(),
          query: {
            model: 'study-root',
            level: 'IMAGE',
            keys: [
              { tag: TAG.StudyInstanceUID, vr: 'UI', value: study },
              { tag: TAG.SeriesInstanceUID, vr: 'UI', value: s.uid },
              { tag: TAG.SOPInstanceUID, vr: 'UI' },
            ],
          },
          maxMatches: budget.remaining,
        },
        () => undefined,
      );
      budget.remaining -= im.matches;
      if (im.error) {
        images.add(im.matches);
        series.atLeast = images.atLeast = true;
        return { series, images, error: im.error };
      }
      if (im.outcome !== 'success') return { series, images: new Tally() };
      images.add(im.matches);
      if (im.capped) images.atLeast = true;
    }
  }
  if (budget.remaining <= 0) series.atLeast = images.atLeast = true;
  return { series, images };
}
