/**
 * The honeypot assessment of a run's DICOM services: per-service signals from
 * each observation, cross-host signals from the whole run (the same dataset
 * served by several hosts), then a score and a level per service. Pure: the
 * store hands in the facts and writes the results back (store/sql-store.ts).
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
export const SAME_DATASET_HOSTS = 3;
/** Faster than this to accept and to answer the study query: a lure served from memory (ms). Weak on near networks. */
export const FAST_ASSOCIATE_MS = 2;
export const FAST_FIND_MS = 5;

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
 * Digest → the distinct hosts that served it, over the services that accept
 * any called AE; a digest seen on SAME_DATASET_HOSTS hosts keeps no more
 * addresses, only that it is a crowd. What a run's pass remembers between its
 * two reads: an entry per distinct dataset, never a service's facts.
 */
class Crowds {
  private readonly hosts = new Map<string, Set<string> | 'crowd'>();

  constructor(private readonly digests: (d: DicomDetails) => Array<string | undefined>) {}

  add(s: HoneypotInput): void {
    for (const digest of this.digests(s.details)) {
      if (digest === undefined) continue;
      const seen = this.hosts.get(digest);
      if (seen === 'crowd') continue;
      const set = seen ?? new Set<string>();
      set.add(s.ip);
      this.hosts.set(digest, set.size >= SAME_DATASET_HOSTS ? 'crowd' : set);
    }
  }

  /** Whether any of the service's digests was served by a crowd of hosts. */
  has(d: DicomDetails): boolean {
    return this.digests(d).some((digest) => digest !== undefined && this.hosts.get(digest) === 'crowd');
  }
}

/**
 * The assessment in two reads of a run, so a pass holds one service at a time
 * (store/sql-store.ts reads them a page at a time): `add` each service, then
 * `assess` each. The cross-host signals need every service added first.
 */
export interface HoneypotRun {
  add(s: HoneypotInput): void;
  /** The service's signals, score and level; services with no signal are assessed too (unlikely, score 0). */
  assess(s: HoneypotInput): HoneypotAssessment;
}

export function honeypotRun(): HoneypotRun {
  const keyed = new Crowds(keyedDigests);
  const counted = new Crowds(publicDigests);
  return {
    add(s) {
      if (!s.details.acceptsAnyCalledAeTitle) return;
      keyed.add(s);
      counted.add(s);
    },
    assess(s) {
      const signals = serviceSignals(s.details);
      if (s.details.acceptsAnyCalledAeTitle) {
        if (keyed.has(s.details)) signals.add('same-keyed-dataset');
        if (counted.has(s.details)) signals.add('same-dataset');
      }
      const ordered = HONEYPOT_SIGNALS.filter((x) => signals.has(x));
      return { ...levelOf(ordered), signals: ordered };
    },
  };
}

/** Every service's assessment, by id: both reads over services in memory. */
export function assessHoneypots(inputs: readonly HoneypotInput[]): Map<number, HoneypotAssessment> {
  const run = honeypotRun();
  for (const s of inputs) run.add(s);
  return new Map(inputs.map((s) => [s.id, run.assess(s)]));
}
