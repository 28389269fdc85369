/**
 * The weight of each honeypot signal and why (docs/decisions/0027-honeypots-told-apart.md).
 *
 * Per-service anomalies are facts one service shows on its own that a real
 * archive does not: a persona only a honeypot sends, an identity its
 * behaviour contradicts, no implementation class UID, a known lure dataset.
 * A "likely" level needs one of them: accepting any called AE title, fast
 * answers and the same data on many hosts are also what a real, open, demo
 * or replicated archive shows, so alone they reach "possible" at most.
 */
import type { HoneypotLevel, HoneypotSignal } from '../../observation/honeypot.ts';

export interface SignalRule {
  readonly weight: number;
  /** A fact a real archive does not show: one is needed for "likely". */
  readonly anomaly: boolean;
  readonly reason: string;
}

const SIGNAL_RULES: Readonly<Record<HoneypotSignal, SignalRule>> = {
  'any-called-ae': {
    weight: 15,
    anomaly: false,
    reason: 'accepted a called AE title no site configures (DICOMHawk and dicompot accept any; so does an Orthanc left at its defaults)',
  },
  'honeypot-persona': {
    weight: 45,
    anomaly: true,
    reason: 'claims an implementation class UID and version name only a public honeypot ships (assess/honeypot/personas.ts)',
  },
  'identity-contradiction': {
    weight: 35,
    anomaly: true,
    reason: 'its implementation identity disagrees with the behaviour of the product it names',
  },
  'no-implementation-uid': {
    weight: 25,
    anomaly: true,
    reason: 'its A-ASSOCIATE-AC carries no implementation class UID (PS3.7 D.3.3.2 requires one; the go-netdicom acceptor under dicompot sends none)',
  },
  'lure-dataset': {
    weight: 60,
    anomaly: true,
    reason: "answered with studies of a honeypot's published sample dataset (probes/dicom/lures.ts)",
  },
  'same-keyed-dataset': {
    weight: 35,
    anomaly: false,
    reason: 'the same studies or patients (keyed digests) as at least two other hosts of the run that accept any called AE',
  },
  'same-dataset': {
    weight: 20,
    anomaly: false,
    reason: 'the same counts and identifying attributes as at least two other hosts of the run that accept any called AE',
  },
  'fast-responses': {
    weight: 5,
    anomaly: false,
    reason: 'association and study query answered faster than an archive reads its database (weak: real servers on a near network are fast too)',
  },
};

const LIKELY_SCORE = 60;
const POSSIBLE_SCORE = 30;

/** Score and level of a set of signals: the weights summed and capped at 100; "likely" only with an anomaly. */
export function levelOf(signals: readonly HoneypotSignal[]): { score: number; level: HoneypotLevel } {
  const score = Math.min(100, signals.reduce((n, s) => n + SIGNAL_RULES[s].weight, 0));
  const anomaly = signals.some((s) => SIGNAL_RULES[s].anomaly);
  const level: HoneypotLevel = score >= LIKELY_SCORE && anomaly ? 'likely' : score >= POSSIBLE_SCORE ? 'possible' : 'unlikely';
  return { score, level };
}
