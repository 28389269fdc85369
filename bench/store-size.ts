/**
 * Store size: a synthetic run written through the store's own write path
 * (recordHosts, batches of 500 hosts with their checkpoint), then the file's
 * bytes per service, in total and per table and index (SQLite's dbstat).
 *
 * The mix is what a re-run of a study stores: mostly FTP, SMB and web
 * services that expose nothing (with the findings assess() gives them), a
 * few DICOM services that refuse every called AE title, and a few in a
 * thousand exposed archives and shares.
 *
 *   node --import tsx bench/store-size.ts [services]
 *
 * Figures are printed, never asserted.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { assess } from '../src/assess/assess.ts';
import type { FileWalk } from '../src/observation/file-share.ts';
import type { AttributeInventory, Observation } from '../src/observation/observation.ts';
import { openSqliteStore, type HostResult, type ScanCounters } from '../src/store/index.ts';

/** One kind of service in the mix: how many in 10,000, and the observation at one address. */
interface Kind {
  readonly name: string;
  readonly per10k: number;
  readonly make: (ip: string, i: number) => Observation;
}

function base(protocol: Observation['protocol'], ip: string, port: number, i: number): Observation {
  return {
    protocol,
    endpoint: { ip, port },
    status: 'success',
    startedAt: new Date(Date.UTC(2026, 0, 5) + i * 37).toISOString(),
    durationMs: 5 + ((i * 7919) % 4000) / 10,
    tls: false,
    exposure: {},
  };
}

function walk(files: number, dicomFiles: number): FileWalk {
  return {
    directories: 3 + (files >> 2), files, bytes: files * 48_213, dicomFiles, dicomBytes: dicomFiles * 524_800, dicomdirs: dicomFiles > 0 ? 1 : 0,
    dicomFolders: dicomFiles > 0 ? 1 + (dicomFiles >> 4) : 0, recognisedByName: dicomFiles, confirmedByMarker: dicomFiles,
    headersRead: Math.min(dicomFiles, 25), deepestLevel: 3, stoppedBy: [], indicators: [],
    ...(dicomFiles > 0 ? { elementsPerHeader: { min: 54, median: 57, max: 61 } } : {}),
  };
}

const hex = (i: number, width: number): string => (Math.imul(i + 1, 2654435761) >>> 0).toString(16).padStart(8, '0').repeat(4).slice(0, width);

const LOGIN_FORM = { kind: 'form', check: 'not-checked', attempts: 0 } as const;
const EXPOSED = { patients: { n: 212, atLeast: false }, studies: { n: 640, atLeast: false }, images: { n: 51_200, atLeast: false } };
const INVENTORY: AttributeInventory = {
  records: 640,
  attributes: [
    { keyword: 'PatientName', tag: '00100010', class: 'direct-identifier', present: 640 },
    { keyword: 'PatientID', tag: '00100020', class: 'direct-identifier', present: 640 },
    { keyword: 'PatientBirthDate', tag: '00100030', class: 'quasi-identifier', present: 611 },
    { keyword: 'StudyDate', tag: '00080020', class: 'quasi-identifier', present: 640 },
  ],
};

const KINDS: readonly Kind[] = [
  {
    name: 'ftp, logins refused',
    per10k: 3600,
    make: (ip, i) => ({
      ...base('ftp', ip, 21, i),
      product: { name: i % 2 ? 'vsftpd' : 'ProFTPD', version: i % 2 ? '3.0.3' : '1.3.6', basis: 'FTP greeting (vendor banner)', confidence: 'likely' },
      details: { protocol: 'ftp', authTls: i % 3 === 0, mlsd: i % 2 === 0, refusedPassiveTargets: 0,
        logins: [{ method: 'anonymous', outcome: 'refused', code: 530 }, { method: 'blank', outcome: 'refused', code: 530 }] },
    }),
  },
  {
    name: 'ftp, anonymous, no images',
    per10k: 300,
    make: (ip, i) => ({
      ...base('ftp', ip, 21, i),
      details: { protocol: 'ftp', authTls: false, mlsd: true, refusedPassiveTargets: 0, logins: [{ method: 'anonymous', outcome: 'accepted' }],
        loggedInAs: 'anonymous', walk: walk(4 + (i % 9), 0), write: { advertised: 'read-only', probe: 'not-attempted' } },
    }),
  },
  {
    name: 'smb, no session',
    per10k: 3300,
    make: (ip, i) => ({
      ...base('smb', ip, 445, i),
      product: { name: 'SMB server', version: '3.1.1', basis: 'SMB2 NEGOTIATE dialect and NTLMSSP target info', confidence: 'guess' },
      details: { protocol: 'smb', dialect: '3.1.1', signingEnabled: true, signingRequired: i % 4 === 0, serverGuid: hex(i, 32),
        netbiosComputerName: `WS-${i % 100_000}`, netbiosDomainName: 'CLINIC', dnsComputerName: `ws-${i % 100_000}.clinic.example`, osVersion: '10.0.19041',
        logins: [{ method: 'null-session', outcome: 'refused' }, { method: 'guest', outcome: 'refused' }], shareEnumeration: 'not-attempted', shares: [],
        stoppedBecause: 'no-session' },
    }),
  },
  {
    name: 'web portal behind a login',
    per10k: 1600,
    make: (ip, i) => ({
      ...base('portal', ip, i % 2 ? 443 : 80, i),
      tls: i % 2 === 1,
      details: { protocol: 'portal', scheme: i % 2 ? 'https' : 'http', rootStatus: 200, matches: [], login: LOGIN_FORM },
    }),
  },
  {
    name: 'dicomweb behind a login',
    per10k: 500,
    make: (ip, i) => ({
      ...base('dicomweb', ip, 8080, i),
      status: 'rejected',
      details: { protocol: 'dicomweb', scheme: 'http', roots: [{ root: '/dicom-web', status: 401 }, { root: '/wado', status: 404 }], access: 'login-required',
        login: { kind: 'basic', realm: 'PACS', check: 'not-checked', attempts: 0 }, qido: { outcome: 'refused', pages: 0, studies: 0, capped: false } },
    }),
  },
  {
    name: 'dicom, every called AE title rejected',
    per10k: 660,
    make: (ip, i) => ({
      ...base('dicom', ip, 104, i),
      status: 'rejected',
      details: { protocol: 'dicom', acceptsAnyCalledAeTitle: false, echo: { outcome: 'not-attempted' }, release: 'not-attempted',
        attempts: [{ calledAeTitle: 'XQZ-UNLIKELY-7', callingAeTitle: 'EXPOSURE', origin: 'unlikely', outcome: 'rejected',
          reject: { result: 1, source: 1, reason: 7, text: 'called AE title not recognised' } }],
        find: { outcome: 'not-attempted', level: 'STUDY', matches: 0, capped: false, modalities: [] } },
    }),
  },
  {
    name: 'dicom, exposed',
    per10k: 30,
    make: (ip, i) => ({
      ...base('dicom', ip, 104, i),
      product: { name: 'Orthanc', version: '1.12.1', basis: 'implementation version name ORTHANC_1_12_1', confidence: 'certain' },
      exposure: EXPOSED,
      inventory: INVENTORY,
      details: { protocol: 'dicom', acceptsAnyCalledAeTitle: true, acceptedCalledAeTitle: 'XQZ-UNLIKELY-7',
        attempts: [{ calledAeTitle: 'XQZ-UNLIKELY-7', callingAeTitle: 'EXPOSURE', origin: 'unlikely', outcome: 'accepted' }],
        peer: { implementationClassUid: '1.2.826.0.1.3680043.2.1143.107.104.103.115.2.8.4', implementationVersionName: 'ORTHANC_1_12_1', maxPduLength: 16384,
          respondingAeTitle: 'ORTHANC', acceptedContexts: [{ abstractSyntax: '1.2.840.10008.5.1.4.1.2.2.1', transferSyntax: '1.2.840.10008.1.2.1' }], rejectedContexts: [] },
        echo: { outcome: 'success', status: 0 }, release: 'released',
        find: { outcome: 'success', level: 'STUDY', status: 0, matches: 640, capped: false, modalities: ['CT', 'MR'] } },
    }),
  },
  {
    name: 'smb guest share with images',
    per10k: 10,
    make: (ip, i) => ({
      ...base('smb', ip, 445, i),
      exposure: { files: { n: 120, atLeast: false }, bytes: { n: 62_976_000, atLeast: false }, images: { n: 120, atLeast: false } },
      inventory: INVENTORY,
      details: { protocol: 'smb', dialect: '2.1', signingEnabled: true, signingRequired: false, logins: [{ method: 'guest', outcome: 'accepted' }],
        session: 'guest', sessionFlags: 'guest', shareEnumeration: 'srvsvc',
        shares: [{ name: 'scans', type: 'disk', source: 'srvsvc', access: 'tree-connected', walk: walk(130, 120), write: { advertised: 'read-only', probe: 'not-attempted' } }] },
    }),
  },
];

/** The i-th service of the mix: kinds interleaved so every page of a report sees the same proportions. */
function kindOf(i: number): Kind {
  let slot = (Math.imul(i, 7919) >>> 0) % 10_000;
  for (const k of KINDS) {
    if (slot < k.per10k) return k;
    slot -= k.per10k;
  }
  return KINDS[0]!;
}

/** A public-looking IPv4 address per host: a fixed walk, so figures repeat. */
function hostIp(h: number): string {
  const n = ((Math.imul(h + 1, 2654435761) >>> 0) % (200 * 2 ** 24)) + 2 ** 24;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface TableSize {
  /** Table or index name, as in sqlite_schema. */
  name: string;
  bytes: number;
}

export interface StoreSize {
  services: number;
  fileBytes: number;
  bytesPerService: number;
  /** Largest first: the pages each table and index takes (dbstat), so their sum is the file less free pages. */
  tables: TableSize[];
}

/** Bytes of a store file (after a checkpoint of its WAL) and of each of its tables and indexes. */
export function measureStoreFile(path: string, services: number): StoreSize {
  const db = new Database(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const tables = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as TableSize[];
    const fileBytes = statSync(path).size;
    return { services, fileBytes, bytesPerService: fileBytes / services, tables };
  } finally {
    db.close();
  }
}

/**
 * Writes `services` synthetic services (one per host, every tenth host a second
 * web service) into a fresh store in `dir`, batches of 500 hosts, and measures it.
 */
export async function storeSizeFigures(services = 100_000, dir?: string): Promise<StoreSize> {
  const own = dir === undefined;
  const folder = dir ?? mkdtempSync(join(tmpdir(), 'exposure-store-size-'));
  const path = join(folder, 'size.db');
  const store = openSqliteStore(path);
  let written = 0;
  try {
    const runId = await store.startRun({ targets: ['bench'], ports: [21, 80, 104, 443, 445, 8080], options: {}, scanner: { callingAeTitle: 'EXPOSURE', userAgent: 'bench' } });
    const counters: ScanCounters = { hostsDone: 0, openPorts: 0, unreachable: 0, services: 0, findings: 0 };
    let batch: HostResult[] = [];
    for (let h = 0; written < services; h++) {
      const ip = hostIp(h);
      const host: HostResult = { ip, services: [] };
      const first = kindOf(written).make(ip, written);
      host.services.push({ observation: first, findings: assess(first) });
      written++;
      if (h % 10 === 9 && written < services && first.endpoint.port !== 443) {
        const web = KINDS.find((k) => k.name.startsWith('web'))!.make(ip, 2 * written + 1);
        const second = { ...web, endpoint: { ip, port: 443 }, tls: true };
        host.services.push({ observation: second, findings: assess(second) });
        written++;
      }
      counters.hostsDone++;
      counters.openPorts += host.services.length;
      counters.services += host.services.length;
      counters.findings += host.services.reduce((n, s) => n + s.findings.length, 0);
      batch.push(host);
      if (batch.length === 500 || written >= services) {
        await store.recordHosts(runId, { hosts: batch, checkpoint: { watermark: h + 1, done: [], counters: { ...counters } } });
        batch = [];
      }
    }
    await store.finishRun(runId, { targetsTotal: counters.hostsDone, hostsDone: counters.hostsDone, openPorts: counters.openPorts, excluded: 0, status: 'completed' });
  } finally {
    await store.close();
  }
  try {
    return measureStoreFile(path, written);
  } finally {
    if (own) rmSync(folder, { recursive: true, force: true });
  }
}

function printFigures(s: StoreSize): void {
  const kb = (b: number): string => `${(b / 1024).toFixed(0)} KiB`;
  console.log(`store of ${s.services.toLocaleString('en')} services: ${(s.fileBytes / 2 ** 20).toFixed(1)} MiB, ${s.bytesPerService.toFixed(0)} bytes per service`);
  for (const t of s.tables) console.log(`  ${t.name.padEnd(36)} ${kb(t.bytes).padStart(10)}  ${(t.bytes / s.services).toFixed(1).padStart(7)} B/service`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printFigures(await storeSizeFigures(Number(process.argv[2] ?? 100_000)));
}
