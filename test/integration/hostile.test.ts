/**
 * The scanner against the lab's hostile peers (src/lab/hostile/): tarpits on
 * every claimed port, drip-fed and endless answers, huge and deep ones,
 * hostile text in every field, and redirect and PASV targets outside scope.
 * One combined scan of every persona plus 200 closed addresses, with small
 * bounds, must end within a bound computed from those limits (probes on one
 * port run one after another, hosts in parallel: never the sum), keep every
 * probe within its own bound, store no hostile text raw, and, killed with
 * SIGKILL and resumed, store every service exactly once.
 *
 * Hostile peers on 127.0.99.1-18 (in this process); closed addresses
 * 127.0.100.1-200 (nothing listens: refused connects).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { HOSTILE_TEXT, OUT_OF_SCOPE, startHostile, type HostilePeers, type RunningPersona } from '../../src/lab/hostile/hostile.ts';
import type { FtpDetails, SmbDetails } from '../../src/observation/file-share.ts';
import type { DicomDetails, Observation } from '../../src/observation/observation.ts';
import { PROBES } from '../../src/probes/index.ts';
import { planScan } from '../../src/scan/plan.ts';
import { probingUnder } from '../../src/scan/probing.ts';
import { recordParameters } from '../../src/scan/run-parameters.ts';
import { openStoreReader } from '../../src/store/index.ts';
import type { ScopePolicy } from '../../src/scope/policy.ts';
import { CLI } from '../cli/exposure-cli.ts';
import { requested } from '../scan/parameters.ts';
import { count } from './store-count.ts';

const run = promisify(execFile);

const FIRST = '127.0.99.1';
const CLOSED = '127.0.100.1-127.0.100.200';
const LIMITS = { probeTimeoutMs: 3000, ioTimeoutMs: 1000, walkTimeMs: 1500, maxRecords: 200 } as const;
/** Every port a persona listens on: a closed port costs a refused connect, nothing more. */
const PORTS = '21,104,445,2762,8042';
/**
 * The whole scan: hosts run in parallel, and the probes of one port one after
 * another, each within its own bound; the longest chain here is two probe
 * timeouts (dicom, then dicom-tls on a port that failed like TLS) or three
 * I/O timeouts (the web probes on a tarpit). Plus starting Node, opening the
 * store and writing it.
 */
const SCAN_BOUND_MS = 2 * LIMITS.probeTimeoutMs + 4000;
/** A probe's wall clock past its timeout: the time to close what it holds and return. */
const PROBE_SLACK_MS = 500;
/** Drip-fed bytes arrive well inside the I/O timeout: only a deadline of the whole exchange ends them. */
const DRIP_EVERY_MS = 400;

let dir: string;
let peers: HostilePeers;
let targets: string[];

function scanArgs(db: string, extra: string[] = []): string[] {
  return [
    'scan',
    ...targets,
    '--ports',
    PORTS,
    '--probe-timeout',
    String(LIMITS.probeTimeoutMs),
    '--io-timeout',
    String(LIMITS.ioTimeoutMs),
    '--walk-time',
    String(LIMITS.walkTimeMs),
    '--max-records',
    String(LIMITS.maxRecords),
    '--rate',
    '0',
    '--seed',
    '11',
    '--db',
    db,
    '--quiet',
    ...extra,
  ];
}

interface StoredService {
  readonly ip: string;
  readonly port: number;
  readonly protocol: string;
  readonly observation: Observation;
}

/** The services of the file's one run, read back whole through the store's reader. */
async function services(db: string): Promise<StoredService[]> {
  const store = openStoreReader(db);
  try {
    const runId = await store.latestRunId();
    assert.ok(runId !== undefined, `${db} holds a run`);
    return (await store.services(runId)).map((r) => ({ ip: r.ip, port: r.port, protocol: r.protocol, observation: r.observation }));
  } finally {
    await store.close();
  }
}

function persona(name: string): RunningPersona {
  const p = peers.personas.find((x) => x.name === name);
  assert.ok(p, `persona ${name} runs`);
  return p;
}

function serviceOf(all: readonly StoredService[], name: string, protocol: string): StoredService {
  const p = persona(name);
  const s = all.find((x) => x.ip === p.ip && x.port === p.port && x.protocol === protocol);
  assert.ok(s, `a ${protocol} service is stored for ${name} (${p.ip}:${p.port})`);
  return s;
}

/** Every text cell of every table: where a hostile string would be if it were kept. */
function storedText(db: string): string[] {
  const d = new Database(db, { readonly: true });
  try {
    const tables = d.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    const cells: string[] = [];
    for (const t of tables) {
      for (const row of d.prepare(`SELECT * FROM "${t}"`).raw().all() as unknown[][]) {
        for (const v of row) if (typeof v === 'string') cells.push(v);
      }
    }
    return cells;
  } finally {
    d.close();
  }
}


before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exposure-hostile-'));
  peers = await startHostile({ first: FIRST, dripEveryMs: DRIP_EVERY_MS });
  const last = peers.personas.at(-1)!.ip;
  targets = [`${FIRST}-${last}`, CLOSED];
});

after(async () => {
  await peers?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('a combined scan of every hostile persona and 200 closed addresses', () => {
  let db: string;
  let elapsedMs: number;
  let stored: StoredService[];

  before(async () => {
    db = join(dir, 'combined.db');
    const started = performance.now();
    const r = await run(process.execPath, [CLI, ...scanArgs(db)], { timeout: 120_000 });
    elapsedMs = performance.now() - started;
    assert.match(r.stderr, new RegExp(`done: ${peers.personas.length + 200} targets done`));
    stored = await services(db);
  });

  it(`ends within 2 × probe timeout + slack (${SCAN_BOUND_MS} ms), not the sum of the bounds`, () => {
    assert.ok(elapsedMs < SCAN_BOUND_MS, `the scan took ${Math.round(elapsedMs)} ms`);
  });

  it('keeps every probe within its probe timeout', () => {
    const over = stored.filter((s) => s.observation.durationMs > LIMITS.probeTimeoutMs + PROBE_SLACK_MS);
    assert.deepEqual(
      over.map((s) => `${s.ip}:${s.port} ${s.protocol} ${s.observation.durationMs} ms`),
      [],
    );
  });

  // docs/peer-text.md: a peer's text is a closed vocabulary (modality: a birth date there is never
  // kept) or a capped printable identifier (no control character survives), and identifiers are
  // escaped by every output format: markup and formulas may sit in the store, never act in a report.
  it('stores no terminal escape and no birth date: identifiers are printable, modalities a closed vocabulary', () => {
    const cells = storedText(db);
    assert.ok(cells.length > 0);
    for (const marker of ['\x1b', HOSTILE_TEXT.birthDate]) {
      const holding = cells.filter((c) => c.includes(marker));
      assert.equal(holding.length, 0, `${JSON.stringify(marker)} stored in ${holding.length} cell(s), e.g. ${JSON.stringify(holding[0]?.slice(0, 160))}`);
    }
  });

  it('lets no stored markup or formula act in a report: HTML escapes it, no CSV cell starts a formula', async () => {
    const out = mkdtempSync(join(tmpdir(), 'exposure-hostile-report-'));
    try {
      await run(process.execPath, [CLI, 'report', '--db', db, '--format', 'html', '--out', join(out, 'r.html')], { timeout: 60_000 });
      await run(process.execPath, [CLI, 'report', '--db', db, '--format', 'csv', '--out', join(out, 'r.csv')], { timeout: 60_000 });
      const html = readFileSync(join(out, 'r.html'), 'utf8');
      assert.ok(!html.includes('<script'), 'a peer\'s <script> reached the HTML as a tag');
      for (const file of ['r.csv', 'r.findings.csv']) {
        const cells = readFileSync(join(out, file), 'utf8').split(/\r?\n/).flatMap((line) => line.split(',')).map((c) => c.replace(/^"/, ''));
        const formulas = cells.filter((c) => /^[=+\-@]/.test(c) && !/^-?\d/.test(c));
        assert.deepEqual(formulas, [], `${file} has cells a spreadsheet would run`);
      }
      assert.ok(!html.includes('\x1b'), 'no terminal escape in the HTML');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('endless C-FIND ignoring C-CANCEL: matches counted to --max-records, capped, and the critical finding raised', () => {
    const s = serviceOf(stored, 'dicom-endless-find', 'dicom');
    const find = (s.observation.details as DicomDetails | undefined)?.find;
    assert.equal(find?.matches, LIMITS.maxRecords, `matches kept: ${JSON.stringify(find)}`);
    assert.equal(find?.capped, true);
    assert.ok(count(db, `SELECT count(*) FROM findings f JOIN services s ON s.id = f.service_id WHERE s.ip = '${s.ip}' AND f.rule_id = 'EXP-DICOM-001'`) === 1, 'EXP-DICOM-001 raised');
  });

  it('a file trickling one byte at a time: the walk stops at --walk-time, not at the probe timeout', () => {
    const s = serviceOf(stored, 'ftp-drip-file', 'ftp');
    const walk = (s.observation.details as FtpDetails | undefined)?.walk;
    assert.ok(walk?.stoppedBy.includes('time'), `stopped by ${JSON.stringify(walk?.stoppedBy)}`);
    // Login and listing come before the walk: what tells the walk's bound from the probe's is that the
    // probe ended well before its own timeout, with the walk stopped by time.
    assert.ok(s.observation.durationMs < LIMITS.probeTimeoutMs - 250, `the probe took ${s.observation.durationMs} ms`);
  });

  it('a QIDO-RS page nested 100,000 deep is a protocol error, not a success with a stack overflow', () => {
    const s = serviceOf(stored, 'http-deep-qido', 'dicomweb');
    assert.equal(s.observation.status, 'protocol-error', JSON.stringify(s.observation.error));
    assert.notEqual(s.observation.error?.code, 'other');
  });

  it('a tarpit on 2762 is not a connection timeout: the connection was made', () => {
    const p = persona('dicom-tls-tarpit');
    const s = stored.find((x) => x.ip === p.ip && x.port === p.port);
    if (s) assert.notEqual(s.observation.status, 'connection-timeout');
  });

  it('a drip-fed A-ASSOCIATE-AC is not an association', () => {
    const s = stored.find((x) => x.ip === persona('dicom-drip-associate-ac').ip);
    if (s) assert.notEqual(s.observation.status, 'success');
  });

  it('a PDU declaring 4 GB is refused at its header', () => {
    const s = serviceOf(stored, 'dicom-huge-pdu', 'dicom');
    assert.equal(s.observation.status, 'protocol-error');
    assert.ok(s.observation.durationMs < LIMITS.ioTimeoutMs, `${s.observation.durationMs} ms`);
  });

  it('a PASV reply naming another host is refused and counted', () => {
    const s = serviceOf(stored, 'ftp-hostile-text', 'ftp');
    assert.ok(((s.observation.details as FtpDetails | undefined)?.refusedPassiveTargets ?? 0) >= 1);
  });

  it('the hostile SMB server is enumerated through srvsvc (its names reach the scanner)', () => {
    const s = serviceOf(stored, 'smb-hostile-text', 'smb');
    const details = s.observation.details as SmbDetails | undefined;
    assert.equal(details?.shareEnumeration, 'srvsvc');
    assert.equal(details?.shares.length, 3);
  });
});

describe('redirect and PASV targets outside scope', () => {
  it('are refused by the scan\'s scope before any packet: no socket is ever opened to them', { timeout: 60_000 }, async () => {
    const params = recordParameters(
      requested({
        targets: { kind: 'specs', specs: targets },
        limits: { maxRecords: LIMITS.maxRecords, connectTimeoutMs: 1000, ioTimeoutMs: LIMITS.ioTimeoutMs, probeTimeoutMs: LIMITS.probeTimeoutMs, greetingWaitMs: 300 },
      }),
    );
    const plan = await planScan(params);
    // The precondition: this runs only under a scope that excludes both addresses.
    for (const ip of Object.values(OUT_OF_SCOPE)) assert.equal(plan.scope.check(ip).allowed, false, `${ip} is outside the scan's scope`);
    const asked: { ip: string; allowed: boolean }[] = [];
    const recording: ScopePolicy = {
      check: (ip) => {
        const d = plan.scope.check(ip);
        asked.push({ ip, allowed: d.allowed });
        return d;
      },
    };
    const opened: string[] = [];
    const netConnect = net.connect;
    const tlsConnect = tls.connect;
    const record = (options: unknown): void => {
      if (typeof options === 'object' && options !== null && 'host' in options) opened.push(String(options.host));
    };
    net.connect = ((...args: Parameters<typeof net.connect>) => {
      record(args[0]);
      return netConnect(...args);
    }) as typeof net.connect;
    tls.connect = ((options: tls.ConnectionOptions, listener?: () => void) => {
      record(options);
      return tlsConnect(options, listener);
    }) as typeof tls.connect;
    try {
      const probing = probingUnder(params, recording);
      const ctx = { ...probing.context, dialer: probing.dialer, signal: new AbortController().signal };
      const redirect = persona('http-redirect-out-of-scope');
      for (const probe of PROBES.filter((p) => ['portal', 'orthanc', 'dicomweb'].includes(p.id))) {
        const o = await probe.run({ ip: redirect.ip, port: redirect.port }, ctx);
        assert.notEqual(o.status, 'success', `${probe.id} followed nothing to a success`);
      }
      const ftp = persona('ftp-hostile-text');
      const o = await PROBES.find((p) => p.id === 'ftp')!.run({ ip: ftp.ip, port: ftp.port }, ctx);
      assert.ok(((o.details as FtpDetails | undefined)?.refusedPassiveTargets ?? 0) >= 1, 'the PASV target was refused');
    } finally {
      net.connect = netConnect;
      tls.connect = tlsConnect;
    }
    const outside = new Set<string>(Object.values(OUT_OF_SCOPE));
    assert.ok(opened.length > 0, 'the probes did open sockets (to the personas)');
    assert.deepEqual(opened.filter((ip) => outside.has(ip)), [], 'no socket to an out-of-scope address');
    assert.deepEqual(asked.filter((a) => outside.has(a.ip) && a.allowed), [], 'the scope never allowed one');
  });
});

describe('kill -9 mid-scan, then --resume', () => {
  it('stores every service exactly once, in the same run, completed', { timeout: 180_000 }, async () => {
    const reference = (await services(join(dir, 'combined.db'))).map((s) => `${s.ip}:${s.port}/${s.protocol}`);
    const db = join(dir, 'killed.db');
    // Four hosts at a time: the personas' bounded waits take several rounds, time enough to kill it mid-way.
    const child = spawn(process.execPath, [CLI, ...scanArgs(db, ['--concurrency', '4'])], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      if (count(db, 'SELECT count(*) FROM services') >= 1) break;
    }
    child.kill('SIGKILL');
    await exited;
    const before = count(db, 'SELECT count(*) FROM services');
    assert.ok(before >= 1 && before < reference.length, `killed mid-way (services stored: ${before} of ${reference.length})`);
    assert.equal(count(db, "SELECT count(*) FROM runs WHERE status = 'running'"), 1, 'a killed run stays "running"');

    const resumed = await run(process.execPath, [CLI, 'scan', '--resume', '1', '--db', db, '--quiet'], { timeout: 120_000 });
    assert.match(resumed.stderr, new RegExp(`done: ${peers.personas.length + 200} targets done`));
    assert.equal(count(db, 'SELECT count(*) FROM runs'), 1, 'resumed in the same run');
    assert.equal(count(db, "SELECT count(*) FROM runs WHERE status = 'completed'"), 1);
    const after = (await services(db)).map((s) => `${s.ip}:${s.port}/${s.protocol}`);
    assert.equal(new Set(after).size, after.length, 'no service twice');
    const missing = reference.filter((s) => !after.includes(s));
    const extra = after.filter((s) => !reference.includes(s));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, 'every service of the uninterrupted scan, once');
  });
});
