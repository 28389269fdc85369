/**
 * Known lure datasets: the sample studies public DICOM honeypots ship and
 * serve to every scanner, recognised by their StudyInstanceUIDs.
 *
 * The table holds no UID, only the first 64 bits of an HMAC-SHA-256 of each
 * under a fixed, public key: the probe hashes the UIDs it reads the same way,
 * in memory, and only a lure's id and how many of its studies matched leave
 * the probe. The UIDs are public test data (de-identified sample studies
 * under pydicom's example UID root, published in the honeypot's repository),
 * not a patient's; keying them keeps the table from being a list of UIDs to
 * copy, and a match from saying which study it was.
 */
import { createHmac } from 'node:crypto';

/** Public and fixed: lure digests must be the same in every process that computes them. */
const LURE_KEY = 'exposure lure v1';
const DIGEST_HEX = 16;

export interface LureDataset {
  /** Stable id, as reports show it. */
  readonly id: string;
  readonly honeypot: string;
  /** Digests (lureDigest) of the lure's StudyInstanceUIDs. */
  readonly studies: readonly string[];
  readonly source: string;
}

export const LURE_DATASETS: readonly LureDataset[] = [
  {
    id: 'dicomhawk-sample-tcia',
    honeypot: 'DICOMHawk',
    studies: [
      '5eef3d9d8648c463',
      '66b07a18a9b475d6',
      'e3b6a8dd4529f4c9',
      'fc04671a22071b47',
      '130be6c8afa8702b',
      'c78b1e6e9c830d17',
      'ea1c31e9fda3207d',
      'f9ef7f3725b88972',
      'f07b25e74bebe357',
      '139f9c04dc597b2a',
      '6eb708cad32717e7',
      'b53e23b30474d627',
      '57fa169b4c5ec787',
      '299ebb8fbd664f24',
      'd3319258454b03d9',
      '9863372fca7dce50',
      '2f0f957aba107d36',
      'e8e1fd08a439b2dd',
      'c937149380a9c0a5',
      '351fbb97eb837f16',
      '9a730f17bec5f76f',
      '0cd6d144f47a38e9',
      '71a548d96c6c9982',
      '086ae379dbe6d5bc',
      '1463041e9deb2527',
      'fce935e11c763815',
    ],
    source:
      'honeynet/DICOMHawk dicom_server/storage/sample_tcia_data/{CT,MR}/<StudyInstanceUID>/… (folder names: 9 CT and 17 MR sample studies the server loads and answers C-FIND with)',
  },
];

export function lureDigest(studyInstanceUid: string): string {
  return createHmac('sha256', LURE_KEY).update(studyInstanceUid.trim(), 'utf8').digest('hex').slice(0, DIGEST_HEX);
}

/** Digest → lure id, built once. */
const BY_DIGEST: ReadonlyMap<string, string> = new Map(LURE_DATASETS.flatMap((l) => l.studies.map((d) => [d, l.id] as const)));

/** Counts matches of the study UIDs read against every lure; only lures with a match are returned, by id. */
export class LureTally {
  private readonly matches = new Map<string, number>();

  add(studyInstanceUid: string): void {
    if (studyInstanceUid.trim() === '') return;
    const id = BY_DIGEST.get(lureDigest(studyInstanceUid));
    if (id !== undefined) this.matches.set(id, (this.matches.get(id) ?? 0) + 1);
  }

  result(): Array<{ id: string; matches: number }> {
    return [...this.matches.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, matches]) => ({ id, matches }));
  }
}
