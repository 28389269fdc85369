/**
 * What the DICOM probe gathers for the honeypot assessment (observation/honeypot.ts
 * DicomBehaviour): how long the association and the study query took, which
 * known lure datasets answered, and digests that are equal on hosts serving
 * the same dataset. Values are seen in memory only: study UIDs are hashed
 * under the process's pseudonym key and under the public lure key, and dropped.
 */
import { createHash } from 'node:crypto';
import type { ExposureCounts, AttributeInventory } from '../../observation/observation.ts';
import type { DicomBehaviour } from '../../observation/honeypot.ts';
import type { DistinctCounter, PatientPseudonyms } from '../../privacy/pseudonyms.ts';
import { LureTally } from './lures.ts';

export class BehaviourFacts {
  associateMs?: number;
  findMs?: number;
  private readonly lures = new LureTally();
  private readonly studies: DistinctCounter;

  constructor(pseudonyms: PatientPseudonyms) {
    this.studies = pseudonyms.counter();
  }

  /** A StudyInstanceUID read from a match: keyed for the digest, hashed for the lures, not kept. */
  readonly studySeen = (uid: string): void => {
    this.studies.add(uid);
    this.lures.add(uid);
  };

  build(exposure: ExposureCounts, inventory: AttributeInventory | undefined, patients: DistinctCounter | undefined): DicomBehaviour | undefined {
    const lures = this.lures.result();
    const studyDigest = this.studies.digest();
    const patientDigest = patients?.digest();
    const signature = datasetSignature(exposure, inventory);
    const out: DicomBehaviour = {
      ...(this.associateMs !== undefined ? { associateMs: this.associateMs } : {}),
      ...(this.findMs !== undefined ? { findMs: this.findMs } : {}),
      ...(lures.length > 0 ? { lures } : {}),
      ...(signature ? { signature } : {}),
      ...(studyDigest ? { studyDigest } : {}),
      ...(patientDigest ? { patientDigest } : {}),
    };
    return Object.keys(out).length > 0 ? out : undefined;
  }
}

/**
 * The same on two hosts that answered with the same numbers of studies, patients, series and
 * images and the same identifying attributes present as often: only our own keywords and counts
 * go in, so it is comparable across processes and says nothing of who the patients are.
 * Undefined when no study came back.
 */
export function datasetSignature(exposure: ExposureCounts, inventory: AttributeInventory | undefined): string | undefined {
  if (!exposure.studies || exposure.studies.n === 0) return undefined;
  const count = (c: ExposureCounts[keyof ExposureCounts]): string => (c ? `${c.n}${c.atLeast ? '+' : ''}` : '-');
  const attributes = (inventory?.attributes ?? []).map((a) => `${a.keyword}:${a.present}`).sort();
  const text = [`studies=${count(exposure.studies)}`, `patients=${count(exposure.patients)}`, `series=${count(exposure.series)}`, `images=${count(exposure.images)}`, `records=${inventory?.records ?? 0}`, ...attributes].join(';');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Whole milliseconds since `start` (performance.now()). */
export function elapsedMs(start: number): number {
  return Math.max(0, Math.round(performance.now() - start));
}
