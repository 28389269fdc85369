/**
 * Hand-written observations and findings for store and report tests:
 * - 10.0.0.5:104    Orthanc that accepts any called AE and returns ≥ 1000 studies (capped)
 * - 10.0.0.5:11112  DICOM that rejects every called AE title (PS3.8 9.3.4 reason 7)
 * - 10.0.0.6:104    connection refused
 * - [2001:db8::5]:104  echo only: association and C-ECHO accepted, C-FIND not negotiated
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../src/observation/finding.ts';
import type { DicomDetails, Observation } from '../../src/observation/observation.ts';
import type { HostResult, RunMeta } from '../../src/store/index.ts';
import { SQLITE, type Engine, type TestStore } from './engines.ts';

export const FIXED_NOW = new Date('2024-05-01T10:00:00.000Z');
export const fixedClock = (): Date => FIXED_NOW;

export const RUN_META: RunMeta = {
  targets: ['10.0.0.0/29', '2001:db8::5'],
  ports: [104, 11112],
  options: { maxRecords: 1000, guessList: true },
  scanner: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'exposure/0.1 (research scan)' },
};

function dicom(details: Partial<DicomDetails>): DicomDetails {
  return {
    protocol: 'dicom',
    attempts: [],
    acceptsAnyCalledAeTitle: false,
    echo: { outcome: 'not-attempted' },
    find: { outcome: 'not-attempted', level: 'STUDY', matches: 0, capped: false, modalities: [] },
    release: 'not-attempted',
    ...details,
  };
}

export const EXPOSED: Observation = {
  protocol: 'dicom',
  endpoint: { ip: '10.0.0.5', port: 104 },
  status: 'success',
  startedAt: '2024-05-01T10:00:01.000Z',
  durationMs: 842,
  tls: false,
  product: { name: 'Orthanc', version: '1.12.1', basis: 'implementation version name ORTHANC_1_12_1', confidence: 'certain' },
  exposure: { patients: { n: 1000, atLeast: true }, studies: { n: 1000, atLeast: true } },
  inventory: {
    records: 1000,
    attributes: [
      { keyword: 'PatientName', tag: '00100010', class: 'direct-identifier', present: 1000 },
      { keyword: 'PatientID', tag: '00100020', class: 'direct-identifier', present: 1000 },
      { keyword: 'PatientBirthDate', tag: '00100030', class: 'quasi-identifier', present: 950 },
    ],
  },
  details: dicom({
    attempts: [{ calledAeTitle: 'XQZ-UNLIKELY-7', callingAeTitle: 'EXPOSURE-SCAN', origin: 'unlikely', outcome: 'accepted' }],
    acceptedCalledAeTitle: 'XQZ-UNLIKELY-7',
    acceptsAnyCalledAeTitle: true,
    peer: {
      implementationClassUid: '1.2.826.0.1.3680043.2.1143.107.104.103.115.2.8.4',
      implementationVersionName: 'ORTHANC_1_12_1',
      maxPduLength: 16384,
      respondingAeTitle: 'ORTHANC',
      acceptedContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntax: '1.2.840.10008.1.2' }],
      rejectedContexts: [],
    },
    echo: { outcome: 'success', status: 0 },
    find: { outcome: 'success', level: 'STUDY', status: 0xfe00, matches: 1000, capped: true, modalities: ['CT', 'MR'] },
    release: 'released',
  }),
};

export const REJECTING: Observation = {
  protocol: 'dicom',
  endpoint: { ip: '10.0.0.5', port: 11112 },
  status: 'rejected',
  startedAt: '2024-05-01T10:00:02.000Z',
  durationMs: 120,
  tls: false,
  exposure: {},
  details: dicom({
    attempts: [
      {
        calledAeTitle: 'XQZ-UNLIKELY-7',
        callingAeTitle: 'EXPOSURE-SCAN',
        origin: 'unlikely',
        outcome: 'rejected',
        reject: { result: 1, source: 1, reason: 7, text: 'called AE title not recognized' },
      },
      {
        calledAeTitle: 'ORTHANC',
        callingAeTitle: 'EXPOSURE-SCAN',
        origin: 'guess-list',
        outcome: 'rejected',
        reject: { result: 1, source: 1, reason: 7, text: 'called AE title not recognized' },
      },
    ],
  }),
};

export const REFUSED: Observation = {
  protocol: 'dicom',
  endpoint: { ip: '10.0.0.6', port: 104 },
  status: 'connection-refused',
  startedAt: '2024-05-01T10:00:03.000Z',
  durationMs: 2,
  tls: false,
  exposure: {},
  error: { code: 'ECONNREFUSED', message: 'the host refused the connection', phase: 'connect' },
};

export const ECHO_ONLY: Observation = {
  protocol: 'dicom',
  endpoint: { ip: '2001:db8::5', port: 104 },
  status: 'success',
  startedAt: '2024-05-01T10:00:04.000Z',
  durationMs: 95,
  tls: false,
  product: { name: 'DCMTK storescp', version: '3.6.7', basis: 'implementation class UID', confidence: 'likely' },
  exposure: {},
  details: dicom({
    attempts: [{ calledAeTitle: 'XQZ-UNLIKELY-7', callingAeTitle: 'EXPOSURE-SCAN', origin: 'unlikely', outcome: 'accepted' }],
    acceptedCalledAeTitle: 'XQZ-UNLIKELY-7',
    acceptsAnyCalledAeTitle: true,
    echo: { outcome: 'success', status: 0 },
    find: { outcome: 'not-negotiated', level: 'STUDY', matches: 0, capped: false, modalities: [] },
    release: 'released',
  }),
};

/** A DICOMHawk GE persona serving its sample studies on one address: three of them are likely honeypots. */
export function honeypotPersona(ip: string): Observation {
  const d = EXPOSED.details;
  if (d?.protocol !== 'dicom') throw new Error('fixture');
  return {
    ...EXPOSED,
    endpoint: { ip, port: 11112 },
    product: undefined,
    exposure: { patients: { n: 4, atLeast: false }, studies: { n: 26, atLeast: false } },
    details: {
      ...d,
      peer: { ...d.peer!, implementationClassUid: '1.2.840.113619.6.96', implementationVersionName: 'GE_PACS_REV_24', maxPduLength: 16382 },
      behaviour: { associateMs: 1, findMs: 3, lures: [{ id: 'dicomhawk-sample-tcia', matches: 26 }], signature: '0123456789abcdef', studyDigest: 'abcdef01:12345678' },
    },
  };
}

export const FIND_OPEN: Finding = {
  ruleId: 'EXP-DICOM-001',
  title: 'C-FIND returns patient records to an unknown calling AE',
  severity: 'critical',
  evidence: 'C-FIND at STUDY level returned at least 1000 matches with 3 identifying attributes',
  remediation: 'Restrict C-FIND to known calling AE titles and keep the archive off public networks.',
  references: ['https://dicom.nema.org/medical/dicom/current/output/html/part15.html'],
  cwe: 'CWE-306',
};

export const ANY_AE: Finding = {
  ruleId: 'EXP-DICOM-002',
  title: 'Association accepted for any called AE title',
  severity: 'high',
  evidence: 'an AE title no site would configure was accepted',
  remediation: 'Configure the called AE title check and a list of allowed calling AE titles.',
  references: [],
};

export const NO_TLS: Finding = {
  ruleId: 'EXP-DICOM-003',
  title: 'DICOM without TLS',
  severity: 'medium',
  evidence: 'association accepted on a plain TCP port',
  remediation: 'Use the DICOM TLS profile (PS3.15 Annex B) on port 2762.',
  references: ['https://dicom.nema.org/medical/dicom/current/output/html/part15.html#chapter_B'],
  cwe: 'CWE-319',
};

export const HOSTS: HostResult[] = [
  {
    ip: '10.0.0.5',
    hostname: 'pacs.example.test',
    services: [
      { observation: EXPOSED, findings: [FIND_OPEN, ANY_AE, NO_TLS] },
      { observation: REJECTING, findings: [] },
    ],
  },
  { ip: '10.0.0.6', services: [{ observation: REFUSED, findings: [] }] },
  { ip: '2001:db8::5', services: [{ observation: ECHO_ONLY, findings: [ANY_AE, NO_TLS] }] },
];

export interface Fixture extends TestStore {
  /** The file's path or the database's URL (TestStore.db). */
  path: string;
  runId: number;
}

/** Runs `fn` with the path of a database file in a folder of its own, removed afterwards. */
export async function withDbFile(prefix: string, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    await fn(join(dir, 'scan.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A store of the engine's (SQLite by default) with the run above recorded and finished. */
export async function buildFixtureStore(engine: Engine = SQLITE): Promise<Fixture> {
  const t = await engine.create({ now: fixedClock });
  const runId = await t.store.startRun(RUN_META);
  for (const host of HOSTS) await t.store.recordHost(runId, host);
  await t.store.finishRun(runId, { targetsTotal: 9, hostsDone: 3, openPorts: 4, excluded: 0, status: 'completed' });
  return { ...t, path: t.db, runId };
}
