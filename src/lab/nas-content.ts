/**
 * What the lab's FTP and SMB shares hold: the canary studies in nested
 * folders (some files without an extension), a DICOMDIR, non-DICOM decoys
 * (one without an extension, so only its first bytes tell), a harmless text
 * file named like a miner's config, and a script in an image folder. For the
 * content read: a miner's pool config in a folder not named after the miner,
 * a ransom note under a name no table knows (synthetic text of our own around
 * one STOP/Djvu sentence), and a reading report carrying canary patient values
 * that must match nothing and leave no trace.
 * The tree is written once per share and described exactly as `NasExpectation`.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SET_A, writeStudySet, type CanaryStudySet } from './canary.ts';
import { datasetToPart10 } from './dcmjs-writer.js';

export interface NasExpectation {
  directories: number;
  files: number;
  bytes: number;
  dicomFiles: number;
  dicomBytes: number;
  dicomdirs: number;
  /** Folders holding DICOM files. */
  dicomFolders: number;
  patients: number;
  studies: number;
  /** Indicator id → files (by name or by content). */
  indicators: Record<string, number>;
  /** Small text files the walk reads for content indicators (probes/nas/text-sample.ts chooses them). */
  textsRead: number;
  /** Identifying attributes every image header carries (keywords). */
  headerKeywords: string[];
}

/** PS3.3 F.2 Basic Directory IOD: an empty media directory, valid Part 10 (PS3.10 8.6). */
function dicomdir(): Buffer {
  const bytes = datasetToPart10({
    _meta: { TransferSyntaxUID: '1.2.840.10008.1.2.1', MediaStorageSOPClassUID: '1.2.840.10008.1.3.10', MediaStorageSOPInstanceUID: '2.25.1' },
    SOPClassUID: '1.2.840.10008.1.3.10',
    FileSetID: 'EXPOSURE_LAB',
  });
  return Buffer.from(bytes);
}

const DECOYS: readonly { path: string[]; text: string }[] = [
  { path: ['README'], text: 'Radiology transfer share. Files here are synthetic and belong to the Exposure loopback lab. '.repeat(3) },
  { path: ['notes.txt'], text: 'Nothing to see here: a decoy text file for the Exposure lab.\n' },
  { path: ['exports', 'viewer-settings.json'], text: '{"window":"lung","note":"decoy settings file of the Exposure lab"}\n' },
  // Named like a miner's configuration, holds harmless text: the scanner must flag the name, never read it.
  { path: ['.cache', 'xmrig-6.21.0', 'config.json'], text: '{"note":"Exposure lab decoy: named like an XMRig config, contains no miner settings"}\n' },
];

/**
 * Text of the content decoys that must never leave the scanner: the pool host,
 * the wallet, markers of the note and the config, and the decoys' file names.
 * Tests grep every output for them, beside the canary patient values.
 */
const POOL_HOST = 'pool.canary-lab.invalid';
const WALLET = `4B${'LabCanaryWa11et'.repeat(7).slice(0, 93)}`;
const NOTE_NAME = 'LEEME-RECUPERAR.txt';
const REPORT_NAME = 'reading-report-cnry.txt';
export const SHARE_TEXT_CANARIES: readonly string[] = [POOL_HOST, WALLET, 'CNRY-NOTE-5150', 'CNRY-CFG-7421', 'LEEME-RECUPERAR', 'reading-report-cnry'];

/** Read by content: a pool config (3 hits) in a folder no name rule knows, and a note (1 hit) under a name no table knows. */
const CONTENT_DECOYS: readonly { path: string[]; text: string }[] = [
  {
    path: ['tools', 'config.json'],
    text: `{"autosave":true,"donate-level":1,"pools":[{"url":"stratum+tcp://${POOL_HOST}:3333","user":"${WALLET}","pass":"x","keepalive":true}],"_lab":"Exposure lab decoy CNRY-CFG-7421: no miner reads this"}\n`,
  },
  {
    path: [NOTE_NAME],
    text: "ATTENTION!\n\nDon't worry, you can return all your files!\n\n(Exposure lab: a synthetic note around one sentence of STOP/Djvu notes, CNRY-NOTE-5150. Nothing here was encrypted.)\n",
  },
];
const CONTENT_HITS: Readonly<Record<string, number>> = { 'djvu-note-text': 1, 'monero-address': 1, 'stratum-pool-url': 1, 'xmrig-pool-config': 1 };

/** A reading report naming the set's first patient: read for content like any note, it must match nothing and leave no trace. */
function readingReport(set: CanaryStudySet): string {
  const p = set.patients[0]!;
  const s = p.studies[0]!;
  return `Reading report (Exposure lab canary, no real patient)\nPatient: ${p.patientName} ID ${p.patientId} born ${p.patientBirthDate}\n${s.studyDescription}: no acute findings.\n`;
}

/** A script next to images: flagged by name as an executable in an image folder. */
const SCRIPT_IN_IMAGES = 'update.sh';
const SCRIPT_TEXT = '#!/bin/sh\n# Exposure lab decoy: never executed, flagged by its name only\nexit 0\n';

async function sizeOf(path: string): Promise<number> {
  return (await stat(path)).size;
}

/** Writes the share's tree under `root` (which must exist) and returns what it holds. */
export async function writeNasTree(root: string, set: CanaryStudySet = SET_A): Promise<NasExpectation> {
  const studies = await writeStudySet(set, join(root, 'archive', '2023'));
  let dicomBytes = 0;
  for (const f of studies.files) dicomBytes += await sizeOf(f);
  let bytes = dicomBytes;
  const report = { path: ['exports', REPORT_NAME], text: readingReport(set) };
  for (const d of [...DECOYS, ...CONTENT_DECOYS, report]) {
    await mkdir(join(root, ...d.path.slice(0, -1)), { recursive: true });
    await writeFile(join(root, ...d.path), d.text);
    bytes += Buffer.byteLength(d.text);
  }
  const firstStudyFolder = join(root, 'archive', '2023', 'pat1', 'study1');
  await writeFile(join(firstStudyFolder, SCRIPT_IN_IMAGES), SCRIPT_TEXT, { mode: 0o644 });
  bytes += Buffer.byteLength(SCRIPT_TEXT);
  const dd = dicomdir();
  await writeFile(join(root, 'archive', 'DICOMDIR'), dd);
  bytes += dd.length;
  // archive, archive/2023, patN, patN/studyM, exports, .cache, .cache/xmrig-6.21.0, tools (plus the root itself)
  const studyFolders = set.patients.reduce((n, p) => n + p.studies.length, 0);
  const directories = 1 + 2 + set.patients.length + studyFolders + 1 + 2 + 1;
  const sample = await readFile(studies.files[0]!);
  if (sample.toString('latin1', 128, 132) !== 'DICM') throw new Error('canary file without DICM marker');
  return {
    directories,
    files: studies.files.length + DECOYS.length + CONTENT_DECOYS.length + 1 + 2,
    bytes,
    dicomFiles: studies.files.length,
    dicomBytes,
    dicomdirs: 1,
    dicomFolders: studyFolders,
    patients: studies.counts.patients,
    studies: studies.counts.studies,
    indicators: { 'executable-in-image-folder': 1, 'xmrig-config': 1, ...CONTENT_HITS },
    // notes.txt and the note (root), the report (exports), the pool config (tools); the config named after XMRig is flagged by name, never read
    textsRead: 4,
    headerKeywords: ['PatientName', 'PatientID', 'PatientBirthDate', 'PatientAddress', 'StudyDate', 'AccessionNumber'],
  };
}
