/**
 * The honeypot assessment of a service: a score, a level and the signals
 * behind it, each named from a closed vocabulary (assess/honeypot/ computes
 * it from the stored facts of one run; docs/decisions/0027-honeypots-told-apart.md).
 *
 * It says how much a DICOM service looks like one of the public honeypots
 * (DICOMHawk, dicompot) rather than a real archive: a likely honeypot is left
 * out of the study's tables and totals unless the user asks to keep it.
 */
import { z } from 'zod';

/**
 * Each signal is a fact about the service, or about it and other services of
 * the same run; assess/honeypot/signals.ts gives each its weight and its reason.
 */
export const HONEYPOT_SIGNALS = [
  'any-called-ae',
  'honeypot-persona',
  'identity-contradiction',
  'no-implementation-uid',
  'lure-dataset',
  'same-keyed-dataset',
  'same-dataset',
  'fast-responses',
] as const;
export const HoneypotSignal = z.enum(HONEYPOT_SIGNALS);
export type HoneypotSignal = z.infer<typeof HoneypotSignal>;

export const HONEYPOT_LEVELS = ['likely', 'possible', 'unlikely'] as const;
export const HoneypotLevel = z.enum(HONEYPOT_LEVELS);
export type HoneypotLevel = z.infer<typeof HoneypotLevel>;

export const HoneypotAssessment = z.object({
  level: HoneypotLevel,
  /** 0–100: the sum of the signals' weights, capped. */
  score: z.number().int().min(0).max(100),
  /** In vocabulary order, each at most once. */
  signals: z.array(HoneypotSignal),
});
export type HoneypotAssessment = z.infer<typeof HoneypotAssessment>;

/**
 * What the DICOM probe measured and matched for the assessment, in the
 * observation's details. Nothing here identifies a patient: times, lure ids
 * from our own table, a digest of counts and attribute keywords, and keyed
 * digests under the process's pseudonym key (comparable within one process only).
 */
export const DicomBehaviour = z.object({
  /** A-ASSOCIATE-RQ sent to A-ASSOCIATE-AC read, for the accepted attempt (ms). */
  associateMs: z.number().int().nonnegative().optional(),
  /** The study query from C-FIND-RQ to its final response (ms), when it was asked. */
  findMs: z.number().int().nonnegative().optional(),
  /** Known lure datasets (probes/dicom/lures.ts) whose studies came back, by id, with how many matched. */
  lures: z.array(z.object({ id: z.string().regex(/^[a-z0-9-]{1,40}$/), matches: z.number().int().positive() })).optional(),
  /** SHA-256 (16 hex) of the counts and the attribute keywords with their present counts: the same on hosts serving the same dataset. */
  signature: z.string().regex(/^[0-9a-f]{16}$/).optional(),
  /**
   * HMAC digests (process label, then 8 hex) of the sorted keyed hashes of the study UIDs and PatientIDs read:
   * equal on two hosts only when they served the same studies (patients) and were probed by one process.
   */
  studyDigest: z.string().regex(/^[0-9a-f]{8}:[0-9a-f]{8}$/).optional(),
  patientDigest: z.string().regex(/^[0-9a-f]{8}:[0-9a-f]{8}$/).optional(),
});
export type DicomBehaviour = z.infer<typeof DicomBehaviour>;
