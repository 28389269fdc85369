/**
 * Study Root C-FIND at STUDY level with universal matching (PS3.4 C.6.2),
 * read into counts and an attribute inventory as the responses arrive.
 *
 * Values are looked at in memory only: PatientID goes into the keyed distinct
 * counter, the two study-related counts are summed, ModalitiesInStudy is kept
 * when it looks like a modality code. Everything else is reduced to "this tag
 * came back non-empty".
 */
import { encodeFindIdentifier, type FindKey } from '../../protocols/dicom/dataset/encode.ts';
import { readString } from '../../protocols/dicom/dataset/values.ts';
import { listElements } from '../../protocols/dicom/dataset/walk.ts';
import { decodeCommand, Priority, type DimseMessage } from '../../protocols/dicom/dimse/messages.ts';
import { Status, statusClass } from '../../protocols/dicom/dimse/status.ts';
import { UID } from '../../protocols/dicom/uids.ts';
import type { DistinctCounter } from '../../privacy/pseudonyms.ts';
import { InventoryBuilder } from '../../privacy/inventory.ts';
import type { Count, DimseOutcome } from '../observation.ts';
import { AssociationProtocolError, type Association } from './association.ts';

/** Study-level return keys (PS3.4 C.6.2.1.2), each asked empty: the identifying ones are for the inventory only. */
export const STUDY_RETURN_KEYS: readonly FindKey[] = [
  { tag: 0x0020000d, vr: 'UI' }, // StudyInstanceUID (unique key)
  { tag: 0x00080061, vr: 'CS' }, // ModalitiesInStudy
  { tag: 0x00201206, vr: 'IS' }, // NumberOfStudyRelatedSeries
  { tag: 0x00201208, vr: 'IS' }, // NumberOfStudyRelatedInstances
  { tag: 0x00100010, vr: 'PN' }, // PatientName
  { tag: 0x00100020, vr: 'LO' }, // PatientID
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

const TAG_PATIENT_ID = 0x00100020;
const TAG_MODALITIES = 0x00080061;
const TAG_SERIES = 0x00201206;
const TAG_INSTANCES = 0x00201208;

export interface StudyQueryResult {
  readonly outcome: DimseOutcome;
  readonly status?: number;
  readonly matches: number;
  readonly capped: boolean;
  readonly modalities: string[];
  readonly patients: Count;
  readonly studies: Count;
  readonly series?: Count;
  readonly images?: Count;
  readonly inventory: InventoryBuilder;
}

const MODALITY = /^[A-Z0-9]{1,16}$/;

function tagHex(tag: number): string {
  return (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

export async function queryStudies(
  association: Association,
  context: { id: number; transferSyntax: string },
  options: { maxRecords: number; messageId: number; patients: DistinctCounter },
): Promise<StudyQueryResult> {
  const inventory = new InventoryBuilder();
  const modalities = new Set<string>();
  let matches = 0;
  let series = 0;
  let seriesSeen = false;
  let images = 0;
  let imagesSeen = false;
  let capped = false;

  const identifier = encodeFindIdentifier('STUDY', STUDY_RETURN_KEYS, context.transferSyntax);
  const rq: DimseMessage = { type: 'C-FIND-RQ', messageId: options.messageId, affectedSopClassUid: UID.studyRootFind, priority: Priority.Medium };
  await association.send(context.id, rq, identifier);

  const result = (outcome: DimseOutcome, status?: number): StudyQueryResult => ({
    outcome,
    ...(status === undefined ? {} : { status }),
    matches,
    capped,
    modalities: [...modalities].sort(),
    patients: { n: options.patients.size, atLeast: capped },
    studies: { n: matches, atLeast: capped },
    ...(seriesSeen ? { series: { n: series, atLeast: capped } } : {}),
    ...(imagesSeen ? { images: { n: images, atLeast: capped } } : {}),
    inventory,
  });

  for (;;) {
    const r = await association.receive();
    if (r.kind === 'aborted') return result('aborted');
    if (r.kind === 'closed') return result(matches > 0 ? 'aborted' : 'failed');
    const decoded = decodeCommand(r.message.command);
    if (!decoded.ok) throw new AssociationProtocolError(decoded.error.code, `C-FIND response: ${decoded.error.message}`);
    const msg = decoded.value.message;
    if (msg.type !== 'C-FIND-RSP') throw new AssociationProtocolError('UNEXPECTED_MESSAGE', `expected C-FIND-RSP, got ${msg.type}`);
    const cls = statusClass(msg.status);
    if (cls === 'pending') {
      if (capped) continue; // matches in flight after our C-CANCEL: not counted
      matches += 1;
      if (r.message.dataset) {
        const walked = listElements(r.message.dataset, context.transferSyntax);
        inventory.addRecord(walked.elements.filter((e) => e.length > 0).map((e) => tagHex(e.tag)));
        for (const el of walked.elements) {
          if (el.tag === TAG_PATIENT_ID) options.patients.add(readString(r.message.dataset, el) ?? '');
          else if (el.tag === TAG_MODALITIES) {
            for (const m of (readString(r.message.dataset, el) ?? '').split('\\')) if (MODALITY.test(m.trim())) modalities.add(m.trim());
          } else if (el.tag === TAG_SERIES || el.tag === TAG_INSTANCES) {
            const n = Number.parseInt(readString(r.message.dataset, el) ?? '', 10);
            if (Number.isSafeInteger(n) && n >= 0 && n < 1e9) {
              if (el.tag === TAG_SERIES) (series += n), (seriesSeen = true);
              else (images += n), (imagesSeen = true);
            }
          }
        }
      }
      if (matches >= options.maxRecords) {
        capped = true;
        // PS3.7 9.3.2.3: C-CANCEL-RQ names the C-FIND it cancels; the peer ends with a final response.
        await association.send(context.id, { type: 'C-CANCEL-RQ', messageIdBeingRespondedTo: options.messageId });
      }
      continue;
    }
    switch (cls) {
      case 'success':
        return result('success', msg.status);
      case 'cancel':
        return result(capped ? 'success' : 'failed', msg.status);
      case 'warning':
        return result('success', msg.status);
      case 'failure':
        return result(isRefusal(msg.status) ? 'refused' : 'failed', msg.status);
      case 'unknown':
        return result('failed', msg.status);
    }
  }
}

/** PS3.7 C.5: statuses by which a peer says "not for you" rather than "I broke". */
function isRefusal(status: number): boolean {
  return status === Status.NotAuthorized || status === Status.SopClassNotSupported || status === Status.OutOfResources;
}
