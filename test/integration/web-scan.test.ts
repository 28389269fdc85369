/**
 * The web side against the lab's real servers, as a user runs it: Orthanc with
 * its DICOMweb plugin open, locked and behind its documented default login, a
 * DCMTK DICOM TLS SCP with a self-signed certificate, and a plain web server
 * that is not a PACS. Two scans, without and with --check-logins; each
 * server's result is checked against what the lab loaded, and no canary
 * patient value may appear in any byte either scan or report wrote.
 * Runs on 127.0.60.x so other test files can use their own addresses.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CANARY_VALUES, startLab, type Lab, type LabServer, type LabServerName } from '../../src/lab/lab.ts';
import { dicomDetails, type ProtocolId } from '../../src/observation/observation.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { ServiceRow } from '../../src/store/store.ts';

const run = promisify(execFile);
const ADDRESSES: Partial<Record<LabServerName, string>> = {
  'orthanc-open': '127.0.60.2',
  'orthanc-locked': '127.0.60.3',
  'orthanc-default-login': '127.0.60.11',
  'dicom-tls': '127.0.60.12',
  'web-plain': '127.0.60.13',
};
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'exposure.js');

let labDir: string;
let outDir: string;
let lab: Lab;
const scans: Record<'plain' | 'logins', ServiceRow[]> = { plain: [], logins: [] };

async function exposure(args: string[], name: string): Promise<void> {
  const r = await run(process.execPath, [CLI, ...args], { env: { ...process.env, EXPOSURE_LOG_LEVEL: 'debug' }, timeout: 120_000, maxBuffer: 64 << 20 });
  await writeFile(join(outDir, `${name}.stdout`), r.stdout);
  await writeFile(join(outDir, `${name}.stderr`), r.stderr);
}

async function scan(kind: 'plain' | 'logins'): Promise<void> {
  const db = join(outDir, `${kind}.db`);
  const extra = kind === 'logins' ? ['--check-logins'] : [];
  await exposure(['scan', '127.0.60.1-127.0.60.14', '--db', db, '--io-timeout', '5000', ...extra], `scan-${kind}`);
  for (const format of ['table', 'json', 'csv', 'md']) {
    await exposure(['report', '--db', db, '--format', format, '--out', join(outDir, `${kind}-report.${format}`)], `report-${kind}-${format}`);
  }
  const store = openSqliteStore(db, { readonly: true });
  scans[kind] = await store.services((await store.latestRunId())!);
  await store.close();
}

function server(name: LabServerName): LabServer {
  const s = lab.servers.find((x) => x.name === name);
  assert.ok(s, `${name} is in the lab`);
  return s;
}

function service(kind: 'plain' | 'logins', name: LabServerName, protocol: ProtocolId): ServiceRow {
  const s = scans[kind].find((x) => x.ip === ADDRESSES[name] && x.protocol === protocol);
  assert.ok(s, `no ${protocol} service stored for ${name} (${kind} scan)`);
  return s;
}

const ruleIds = (s: ServiceRow): string[] => s.findings.map((f) => f.ruleId);
/** Findings are one per rule and port, on the first service of the port the rule fired on. */
const portFindings = (kind: 'plain' | 'logins', s: ServiceRow) =>
  scans[kind].filter((x) => x.ip === s.ip && x.port === s.port).flatMap((x) => x.findings);
const portRuleIds = (kind: 'plain' | 'logins', s: ServiceRow): string[] => portFindings(kind, s).map((f) => f.ruleId);

before(async () => {
  labDir = await mkdtemp(join(tmpdir(), 'exposure-web-lab-'));
  outDir = await mkdtemp(join(tmpdir(), 'exposure-web-out-'));
  lab = await startLab({ dir: join(labDir, 'lab'), addresses: ADDRESSES, only: Object.keys(ADDRESSES) as LabServerName[] });
  await scan('plain');
  await scan('logins');
});

after(async () => {
  await lab?.stop();
  await rm(labDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

describe('web scan of the lab', { timeout: 300_000 }, () => {
  it('reports nothing for the plain web server: it is not a PACS', () => {
    for (const kind of ['plain', 'logins'] as const) assert.deepEqual(scans[kind].filter((s) => s.ip === ADDRESSES['web-plain']), []);
    assert.equal(server('web-plain').expected.web?.portalProduct, undefined);
  });

  it('orthanc-open: portal, REST and QIDO-RS open, with the loaded counts', () => {
    const loaded = server('orthanc-open').loaded;
    const portal = service('plain', 'orthanc-open', 'portal');
    assert.equal(portal.observation.product?.name, 'Orthanc');
    assert.equal(portal.observation.details?.protocol === 'portal' && portal.observation.details.login.kind, 'none');
    assert.ok(ruleIds(portal).includes('EXP-WEB-007'), 'portal open without a login');
    assert.equal(portal.observation.product?.version, '1.10.1', 'version from /system on the same port');

    const rest = service('plain', 'orthanc-open', 'orthanc');
    assert.equal(rest.observation.product?.version, '1.10.1');
    const d = rest.observation.details;
    assert.ok(d?.protocol === 'orthanc');
    assert.equal(d.access, 'open');
    assert.deepEqual(d.statistics && [d.statistics.patients, d.statistics.studies, d.statistics.series, d.statistics.instances], [loaded.patients, loaded.studies, loaded.series, loaded.images]);
    assert.ok(ruleIds(rest).includes('EXP-WEB-002'));
    assert.ok(portRuleIds('plain', rest).includes('EXP-TLS-003'));
    assert.ok(portRuleIds('plain', rest).includes('EXP-WEB-006'), 'Orthanc 1.10.1 has a known CVE');
    const perPort = portRuleIds('plain', rest);
    assert.equal(perPort.length, new Set(perPort).size, 'one finding per rule and port, however many services share it');

    const qido = service('plain', 'orthanc-open', 'dicomweb');
    const q = qido.observation;
    assert.equal(q.details?.protocol === 'dicomweb' && q.details.root, '/dicom-web');
    assert.deepEqual(q.exposure.studies, { n: loaded.studies, atLeast: false });
    assert.deepEqual(q.exposure.patients, { n: loaded.patients, atLeast: false });
    assert.deepEqual(q.exposure.series, { n: loaded.series, atLeast: false });
    assert.deepEqual(q.exposure.images, { n: loaded.images, atLeast: false });
    const inv = new Map(q.inventory?.attributes.map((a) => [a.keyword, a.present]));
    assert.equal(inv.get('PatientName'), loaded.studies);
    assert.equal(inv.get('PatientBirthDate'), loaded.studies);
    assert.equal(qido.findings.find((f) => f.ruleId === 'EXP-WEB-001')?.severity, 'critical');
  });

  it('orthanc-open: the DICOM service is named Orthanc 1.10.1 through the REST answer, not DCMTK', () => {
    const dicom = service('plain', 'orthanc-open', 'dicom');
    assert.equal(dicom.observation.product?.name, 'Orthanc');
    assert.equal(dicom.observation.product?.version, '1.10.1');
    assert.match(dicom.observation.product?.basis ?? '', /DCMTK 3\.6\.7/);
  });

  for (const name of ['orthanc-locked', 'orthanc-default-login'] as const) {
    it(`${name}: without --check-logins, a Basic login is reported and nothing is sent past it`, () => {
      const portal = service('plain', name, 'portal');
      const login = portal.observation.details?.protocol === 'portal' ? portal.observation.details.login : undefined;
      assert.deepEqual(login, { kind: 'basic', realm: 'Orthanc Secure Area', check: 'not-checked', attempts: 0 });
      assert.ok(ruleIds(portal).includes('EXP-WEB-005'), 'login over plain HTTP');
      assert.ok(!ruleIds(portal).includes('EXP-WEB-007'));
      for (const p of ['orthanc', 'dicomweb'] as const) {
        const s = service('plain', name, p);
        assert.equal(s.status, 'rejected');
        assert.deepEqual(s.observation.exposure, {});
        assert.ok(!ruleIds(s).includes('EXP-WEB-004'));
      }
    });
  }

  it('orthanc-locked: with --check-logins, blank and default credentials are refused within three attempts', () => {
    for (const p of ['portal', 'orthanc', 'dicomweb'] as const) {
      const o = service('logins', 'orthanc-locked', p).observation;
      const d = o.details;
      assert.ok(d && (d.protocol === 'portal' || d.protocol === 'orthanc' || d.protocol === 'dicomweb'));
      assert.equal(d.login.check, 'refused');
      assert.ok(d.login.attempts >= 1 && d.login.attempts <= 3);
      assert.equal(o.exposure.studies, undefined);
    }
  });

  it('orthanc-default-login: with --check-logins, the vendor default opens REST and QIDO-RS with the loaded counts', () => {
    const loaded = server('orthanc-default-login').loaded;
    assert.equal(server('orthanc-default-login').expected.web?.defaultLoginAccepted, true);
    for (const p of ['portal', 'orthanc', 'dicomweb'] as const) {
      const s = service('logins', 'orthanc-default-login', p);
      const d = s.observation.details;
      assert.ok(d && (d.protocol === 'portal' || d.protocol === 'orthanc' || d.protocol === 'dicomweb'));
      assert.equal(d.login.check, 'default-accepted');
      assert.equal(d.login.defaultUser, 'orthanc');
    }
    const port = service('logins', 'orthanc-default-login', 'orthanc');
    assert.deepEqual(portFindings('logins', port).filter((f) => f.ruleId === 'EXP-WEB-004').map((f) => f.severity), ['critical']);
    const rest = service('logins', 'orthanc-default-login', 'orthanc').observation;
    assert.deepEqual(rest.exposure.studies, { n: loaded.studies, atLeast: false });
    assert.deepEqual(rest.exposure.patients, { n: loaded.patients, atLeast: false });
    const qido = service('logins', 'orthanc-default-login', 'dicomweb').observation;
    assert.deepEqual(qido.exposure.studies, { n: loaded.studies, atLeast: false });
    assert.deepEqual(qido.exposure.patients, { n: loaded.patients, atLeast: false });
    assert.ok(!service('logins', 'orthanc-default-login', 'dicomweb').findings.some((f) => f.ruleId === 'EXP-WEB-001'), 'not open: it took a login');
  });

  it('dicom-tls: DICOM over TLS on 2762, echo answered, self-signed certificate recorded and reported', () => {
    const s = service('plain', 'dicom-tls', 'dicom-tls');
    const o = s.observation;
    assert.equal(o.tls, true);
    assert.match(o.tlsInfo?.version ?? '', /^TLSv1\.[23]$/);
    assert.equal(o.tlsInfo?.certificate?.selfSigned, true);
    assert.equal(o.tlsInfo?.certificate?.expired, false);
    assert.equal(o.tlsInfo?.certificate?.subject, 'CN=exposure-lab-dicom-tls');
    assert.equal(o.tlsInfo?.certificate?.keyBits, 2048);
    assert.equal(dicomDetails(o)?.echo.outcome, 'success');
    assert.ok(ruleIds(s).includes('EXP-TLS-002'));
    assert.ok(!ruleIds(s).includes('EXP-DICOM-004'));
  });

  it('plain DICOM ports do not produce a dicom-tls service', () => {
    for (const kind of ['plain', 'logins'] as const) assert.deepEqual(scans[kind].filter((s) => s.protocol === 'dicom-tls').map((s) => s.port), [2762]);
  });

  it('the reports show product, login and counts for the web services', async () => {
    const md = await readFile(join(outDir, 'logins-report.md'), 'utf8');
    assert.match(md, /vendor-default login accepted \(user orthanc\)/);
    assert.match(md, /HTTP Basic, realm "Orthanc Secure Area"/);
    const table = await readFile(join(outDir, 'plain-report.table'), 'utf8');
    assert.match(table, /127\.0\.60\.2:8042\s+dicomweb\s+success/);
    assert.match(table, /self-signed/);
    // Orthanc's DICOM port, REST API and DICOMweb report the same archive: totals count it once per host.
    const open = server('orthanc-open').loaded;
    // Summed over servers; the largest one server counted is the distinct lower bound (a line may wrap at a space).
    assert.match(table, new RegExp(`patient\\srecords\\s${open.patients}\\s\\(summed\\sover\\sservers;\\s≥\\s${open.patients}\\sdistinct\\)\\s·\\sstudies\\s${open.studies}\\s·\\simages\\s${open.images}`));
  });
});

describe('privacy of the web probes', () => {
  it('no canary patient value in any byte of either scan, its reports or its logs', async () => {
    const files = await readdir(outDir);
    assert.ok(files.includes('logins.db') && files.includes('plain.db') && files.includes('logins-report.json'));
    for (const f of files) {
      const bytes = await readFile(join(outDir, f));
      const text = bytes.toString('latin1');
      const utf8 = bytes.toString('utf8');
      for (const v of CANARY_VALUES) assert.ok(!text.includes(v) && !utf8.includes(v), `canary value found in ${f}`);
    }
  });

  it('no credential a login check sent appears in any output, but in the owner\'s proof command', async () => {
    for (const f of await readdir(outDir)) {
      const text = (await readFile(join(outDir, f))).toString('latin1');
      // The proof of a default-login finding (report/proof.ts) is a curl command that names the
      // vendor's documented default on purpose, so the owner can run it; no other line may.
      for (const line of text.split('\n').filter((l) => l.includes('orthanc:orthanc'))) assert.match(line, /curl .*-u '?orthanc:orthanc/, `${f}: ${line.slice(0, 120)}`);
      assert.ok(!text.includes(Buffer.from('orthanc:orthanc').toString('base64')), f);
      assert.ok(!text.includes('alicePassword'), f);
    }
  });
});
