/**
 * The worklist facts of a DICOM service for the reports: how its Modality
 * Worklist C-FIND ended, how many scheduled steps and patients it listed, their
 * modalities and the identifying attributes present. Built from counts, defined
 * terms and keywords only.
 */
import { countText, plural } from '../observation/count.ts';
import type { Count, DicomDetails, Observation } from '../observation/observation.ts';
import { presentKeywords } from './inventory.ts';
import type { ServiceReport } from './model.ts';
import { reportCount } from './numbers.ts';

type Worklist = NonNullable<DicomDetails['mwl']>;

/** A worklist the peer never offered, or the probe never reached, says nothing worth a line. */
function offered(w: Worklist | undefined): w is Worklist {
  return w !== undefined && w.outcome !== 'not-negotiated' && w.outcome !== 'not-attempted';
}

/** Items read are a lower bound when the cap or a failure stopped the query. */
function itemCount(w: Worklist): Count {
  return { n: w.matches, atLeast: w.capped || w.outcome !== 'success' };
}

/** One line, e.g. "success: 4 scheduled steps of 3 patients · CT, MR, US · PatientName, PatientID". */
function worklistLine(w: Worklist): string {
  const items = countText(itemCount(w), '≥ ');
  const head = `${w.outcome}${w.capped ? ' (capped)' : ''}: ${items} ${plural(w.matches, 'scheduled step')}${w.patients ? ` of ${countText(w.patients, '≥ ')} ${plural(w.patients.n, 'patient')}` : ''}`;
  const modalities = [...w.modalities, ...(w.otherModalities ? [`${w.otherModalities} other`] : [])];
  const keywords = presentKeywords(w.inventory);
  return [head, ...(modalities.length > 0 ? [modalities.join(', ')] : []), ...(keywords.length > 0 ? [keywords.join(', ')] : [])].join(' · ');
}

/** The ServiceReport fields of a service whose worklist answered (or refused, or broke); none otherwise. */
export function worklistSummary(o: Observation): Pick<ServiceReport, 'worklist' | 'worklistItems' | 'worklistPatients'> {
  const w = o.details?.protocol === 'dicom' ? o.details.mwl : undefined;
  if (!offered(w)) return {};
  return {
    worklist: worklistLine(w),
    worklistItems: reportCount(itemCount(w)),
    ...(w.patients ? { worklistPatients: reportCount(w.patients) } : {}),
  };
}
