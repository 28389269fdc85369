/**
 * What a modality worklist hands out, read through Modality Worklist
 * Information Model - FIND (PS3.4 K.6.1): one C-FIND for every scheduled
 * procedure step, counted and inventoried as the responses arrive, stopped at
 * the record cap with C-CANCEL like the study query (c-find.ts).
 *
 * A worklist is what modalities read to learn who is coming in and for what:
 * names, birth dates, IDs, the procedure asked for and who performs it. So the
 * same privacy rules hold as for the study query: PatientID goes into the keyed
 * distinct counter, Modality is kept only as a defined term, and everything
 * else is reduced to "this tag came back non-empty", at the top level and in
 * the first item of the Scheduled Procedure Step Sequence. An identifier the
 * walker cannot read ends the query as a protocol error, counts kept as lower
 * bounds (decision 0009).
 */
import type { ElementInput } from '../../protocols/dicom/dataset/encode.ts';
import { readString } from '../../protocols/dicom/dataset/values.ts';
import { listItems, type DatasetElement } from '../../protocols/dicom/dataset/walk.ts';
import type { DistinctCounter } from '../../privacy/pseudonyms.ts';
import { InventoryBuilder } from '../../privacy/inventory.ts';
import type { Count } from '../../observation/observation.ts';
import type { Modality } from '../../observation/modality.ts';
import type { Association } from './association.ts';
import { cFind, type FindContext, type FindOutcome } from './c-find.ts';
import { filledTags, malformedIdentifier, ModalityTally, readIdentifier, type IdentifierReads } from './study-query.ts';

const TAG = {
  PatientID: 0x00100020,
  ScheduledProcedureStepSequence: 0x00400100,
  Modality: 0x00080060,
} as const;

/**
 * The keys of PS3.4 Table K.6-1, each empty: universal matching on every one,
 * so the answer is every scheduled procedure step, whatever its modality,
 * station or date. The Scheduled Procedure Step Sequence carries one item of
 * empty keys (PS3.4 K.6.1.2.1: matching inside the sequence item); the
 * identifying keys beside it are asked only to learn which come back non-empty.
 */
export const WORKLIST_IDENTIFIER: readonly ElementInput[] = [
  { tag: 0x00080050, vr: 'SH', value: '' }, // AccessionNumber
  { tag: 0x00080090, vr: 'PN', value: '' }, // ReferringPhysicianName
  { tag: 0x00100010, vr: 'PN', value: '' }, // PatientName
  { tag: TAG.PatientID, vr: 'LO', value: '' },
  { tag: 0x00100030, vr: 'DA', value: '' }, // PatientBirthDate
  { tag: 0x00100040, vr: 'CS', value: '' }, // PatientSex
  { tag: 0x00101030, vr: 'DS', value: '' }, // PatientWeight
  { tag: 0x00102000, vr: 'LO', value: '' }, // MedicalAlerts
  { tag: 0x00102110, vr: 'LO', value: '' }, // Allergies
  { tag: 0x0020000d, vr: 'UI', value: '' }, // StudyInstanceUID
  { tag: 0x00321032, vr: 'PN', value: '' }, // RequestingPhysician
  { tag: 0x00321060, vr: 'LO', value: '' }, // RequestedProcedureDescription
  { tag: 0x00380010, vr: 'LO', value: '' }, // AdmissionID
  {
    tag: TAG.ScheduledProcedureStepSequence,
    vr: 'SQ',
    items: [
      [
        { tag: TAG.Modality, vr: 'CS', value: '' },
        { tag: 0x00400001, vr: 'AE', value: '' }, // ScheduledStationAETitle
        { tag: 0x00400002, vr: 'DA', value: '' }, // ScheduledProcedureStepStartDate
        { tag: 0x00400003, vr: 'TM', value: '' }, // ScheduledProcedureStepStartTime
        { tag: 0x00400006, vr: 'PN', value: '' }, // ScheduledPerformingPhysicianName
        { tag: 0x00400007, vr: 'LO', value: '' }, // ScheduledProcedureStepDescription
        { tag: 0x00400009, vr: 'SH', value: '' }, // ScheduledProcedureStepID
      ],
    ],
  },
  { tag: 0x00401001, vr: 'SH', value: '' }, // RequestedProcedureID
];

export interface WorklistQueryResult extends FindOutcome {
  /** Defined terms seen in the scheduled steps' Modality, sorted. */
  readonly modalities: Modality[];
  /** Values there that were not a defined term: counted, never kept. */
  readonly otherModalities: number;
  readonly patients: Count;
  readonly inventory: InventoryBuilder;
}

export async function queryWorklist(
  association: Association,
  context: FindContext,
  options: { maxRecords: number; messageId: number; patients: DistinctCounter },
): Promise<WorklistQueryResult> {
  const inventory = new InventoryBuilder();
  const modalities = new ModalityTally();
  const reads: IdentifierReads = {};

  const found = await cFind(
    association,
    context,
    { messageId: options.messageId, query: { model: 'modality-worklist', identifier: WORKLIST_IDENTIFIER }, maxMatches: options.maxRecords },
    (ds) => {
      if (!ds) return inventory.addRecord([]);
      const elements = readIdentifier(ds, context.transferSyntax, reads);
      if (!elements) return;
      let step: readonly DatasetElement[] = [];
      const sequence = elements.find((e) => e.tag === TAG.ScheduledProcedureStepSequence);
      if (sequence) {
        const items = listItems(ds, sequence, context.transferSyntax);
        if (!items.ok) {
          reads.malformed = items.error;
          return;
        }
        step = items.items[0] ?? [];
      }
      // Only an item read whole is counted and inventoried, as in the study query.
      const patientId = elements.find((e) => e.tag === TAG.PatientID);
      if (patientId) options.patients.add(readString(ds, patientId) ?? '');
      const modality = step.find((e) => e.tag === TAG.Modality);
      if (modality) modalities.add(readString(ds, modality));
      // The tags that came back filled, the scheduled step's first item included (its offsets are the identifier's).
      inventory.addRecord(filledTags(ds, [...elements, ...step]));
    },
  );

  const malformed = reads.malformed;
  const partial = found.capped || found.error !== undefined || malformed !== undefined;
  const error = found.error ?? (malformed ? malformedIdentifier('worklist', malformed) : undefined);
  return {
    ...found,
    ...(malformed ? { outcome: 'protocol-error' as const } : {}),
    ...(error ? { error } : {}),
    modalities: [...modalities.terms].sort(),
    otherModalities: modalities.other,
    patients: { n: options.patients.size, atLeast: partial },
    inventory,
  };
}
