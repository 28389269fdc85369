/**
 * The honeypot assessment of a run's DICOM services: per-service signals from
 * each observation, cross-host signals from the run's crowds (the dataset
 * digests several hosts served, which the store groups in SQL), then a score
 * and a level per service. Pure: the store hands in the facts and writes the
 * results back (store/sql-store.ts).
 */
import { HONEYPOT_SIGNALS, type HoneypotAssessment, type HoneypotSignal } from '../../observation/honeypot.ts';
import type { DicomDetails } from '../../observation/observation.ts';
import { honeypotPersona, identityContradiction } from './personas.ts';
import { levelOf } from './signals.ts';

/** One DICOM service of the run, as the assessment reads it. */
export interface HoneypotInput {
  readonly id: number;
  readonly ip: string;
  readonly details: DicomDetails;
}

/** Hosts that must share a dataset digest for it to count: the public honeypots are deployed by the dozen, an archive and its replica are two. */
const SAME_DATASET_HOSTS = 3;
/** Faster than this to accept and to answer the study query: a lure served from memory (ms). Weak on near networks. */
const FAST_ASSOCIATE_MS = 2;
const FAST_FIND_MS = 5;

/** The signals one service shows on its own. */
export function serviceSignals(d: DicomDetails): Set<HoneypotSignal> {
  const signals = new Set<HoneypotSignal>();
  if (d.acceptedCalledAeTitle === undefined) return signals;
  if (d.acceptsAnyCalledAeTitle) signals.add('any-called-ae');
  const peer = d.peer;
  if (peer) {
    if (honeypotPersona(peer)) signals.add('honeypot-persona');
    if (identityContradiction(peer)) signals.add('identity-contradiction');
    if (peer.implementationClassUid === undefined) signals.add('no-implementation-uid');
  }
  const b = d.behaviour;
  if (b?.lures && b.lures.length > 0) signals.add('lure-dataset');
  if (b?.associateMs !== undefined && b.findMs !== undefined && d.find.matches > 0 && b.associateMs <= FAST_ASSOCIATE_MS && b.findMs <= FAST_FIND_MS) {
    signals.add('fast-responses');
  }
  return signals;
}

const keyedDigests = (d: DicomDetails): Array<string | undefined> => [d.behaviour?.studyDigest, d.behaviour?.patientDigest];
const publicDigests = (d: DicomDetails): Array<string | undefined> => [d.behaviour?.signature];

/**
 * One service's assessment, given the run's crowds: the dataset digests (keyed
 * and public) that SAME_DATASET_HOSTS or more hosts accepting any called AE
 * title served. The store finds those in SQL, so a pass holds a page of
 * services and the crowds, never the run.
 */
export function assessService(s: HoneypotInput, crowds: ReadonlySet<string>): HoneypotAssessment {
  const signals = serviceSignals(s.details);
  const crowded = (digests: Array<string | undefined>): boolean => digests.some((d) => d !== undefined && crowds.has(d));
  if (s.details.acceptsAnyCalledAeTitle) {
    if (crowded(keyedDigests(s.details))) signals.add('same-keyed-dataset');
    if (crowded(publicDigests(s.details))) signals.add('same-dataset');
  }
  const ordered = HONEYPOT_SIGNALS.filter((x) => signals.has(x));
  return { ...levelOf(ordered), signals: ordered };
}

/** What the store's pass is handed (store/store.ts HoneypotAssessor): the crowd size, and the assessment of one service. */
export const HONEYPOT_ASSESSOR = { crowdHosts: SAME_DATASET_HOSTS, assess: assessService } as const;
