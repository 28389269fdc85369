/**
 * The owner's proof commands against the lab's real servers, as an owner runs
 * them: the lab's open Orthanc, the DCMTK archive on its sample AE title, the
 * Orthanc behind its documented default login, the DICOM TLS receiver with a
 * self-signed certificate, vsftpd with anonymous access and Samba with a guest
 * share. `exposure scan` (with --check-logins) and `exposure report --format
 * json`, then each finding's command from the report is run in `sh`:
 *  - its output demonstrates the finding (a rule's own check below);
 *  - its output holds no canary patient value (and the same query without the
 *    proof's count does, so the check could fail).
 * Runs on 127.0.91.x, this suite's own block. Needs `npm run build` first.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CANARY_VALUES, startLab, type Lab, type LabServerName } from '../../src/lab/lab.ts';
import { startNasLab, type NasLab, type NasServerName } from '../../src/lab/nas-lab.ts';
import type { Proof } from '../../src/report/proof.ts';

const run = promisify(execFile);
const ADDRESSES: Partial<Record<LabServerName, string>> = {
  'orthanc-open': '127.0.91.2',
  dcmqrscp: '127.0.91.4',
  'orthanc-default-login': '127.0.91.11',
  'dicom-tls': '127.0.91.12',
};
const NAS_ADDRESSES: Partial<Record<NasServerName, string>> = { 'ftp-anonymous': '127.0.91.7', 'smb-guest': '127.0.91.9' };
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'exposure.js');
/** Each command gets this long; the lab answers in well under a second. */
const COMMAND_TIMEOUT_MS = 30_000;

interface ReportService {
  ip: string;
  port: number;
  protocol: string;
  productVersion?: string;
  findings: Array<{ ruleId: string; proof: Proof }>;
}

interface Ran {
  where: string;
  ruleId: string;
  command: string;
  shows: string;
  output: string;
  code: number | null;
}

let labDir: string;
let outDir: string;
let lab: Lab | undefined;
let nas: NasLab | undefined;
let services: ReportService[] = [];
const ran: Ran[] = [];

async function exposure(args: string[], name: string): Promise<void> {
  const r = await run(process.execPath, [CLI, ...args], { env: { ...process.env, EXPOSURE_LOG_LEVEL: 'debug' }, timeout: 180_000, maxBuffer: 64 << 20 });
  await writeFile(join(outDir, `${name}.stdout`), r.stdout);
  await writeFile(join(outDir, `${name}.stderr`), r.stderr);
}

/** One command line in sh, its standard output and error together, as a terminal shows them. */
function sh(line: string): Promise<{ output: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', line], { cwd: outDir, stdio: ['ignore', 'pipe', 'pipe'], timeout: COMMAND_TIMEOUT_MS });
    const chunks: Buffer[] = [];
    let size = 0;
    const take = (b: Buffer): void => {
      // A proof prints a few lines; keep at most 1 MiB of anything longer.
      if (size < 1 << 20) chunks.push(b);
      size += b.length;
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => resolve({ output: Buffer.concat(chunks).toString('utf8'), code }));
  });
}

before(async () => {
  labDir = await mkdtemp(join(tmpdir(), 'exposure-proof-lab-'));
  await chmod(labDir, 0o755); // Samba's guest account must traverse to its share
  outDir = await mkdtemp(join(tmpdir(), 'exposure-proof-out-'));
  lab = await startLab({ dir: join(labDir, 'lab'), addresses: ADDRESSES, only: Object.keys(ADDRESSES) as LabServerName[] });
  nas = await startNasLab({ dir: join(labDir, 'nas'), addresses: NAS_ADDRESSES, only: Object.keys(NAS_ADDRESSES) as NasServerName[] });
  const db = join(outDir, 'scan.db');
  await exposure(['scan', '127.0.91.1-127.0.91.12', '--db', db, '--io-timeout', '5000', '--check-logins'], 'scan');
  const report = join(outDir, 'report.json');
  await exposure(['report', '--db', db, '--format', 'json', '--out', report], 'report');
  services = (JSON.parse(await readFile(report, 'utf8')) as { services: ReportService[] }).services;
  for (const s of services) {
    for (const f of s.findings) {
      if (f.proof.kind !== 'command') continue;
      const { output, code } = await sh(f.proof.command);
      ran.push({ where: `${s.ip}:${s.port} ${s.protocol}`, ruleId: f.ruleId, command: f.proof.command, shows: f.proof.shows, output, code });
    }
  }
});

after(async () => {
  await lab?.stop();
  await nas?.stop();
  await rm(labDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

/** JSON an Orthanc REST call printed. */
function orthancJson(output: string): Record<string, unknown> {
  return JSON.parse(output) as Record<string, unknown>;
}

/**
 * What each rule's command must print to demonstrate it on the lab, and the
 * exit status it ends with. A rule seen with a command but not listed here
 * fails the test: every proof the lab can show is checked.
 */
const DEMONSTRATES: Readonly<Record<string, (r: Ran) => void>> = {
  'EXP-DICOM-001': (r) => {
    assert.match(r.output, /Received Find Response 1 \(Pending\)/);
    assert.equal(r.code, 0);
  },
  'EXP-DICOM-002': (r) => {
    assert.match(r.output, /Association Accepted[\s\S]*Received Echo Response \(Success\)/);
    assert.match(r.command, /-aec XQ-NO-SUCH-AE-7 /, 'the unlikely title the scan used');
    assert.equal(r.code, 0);
  },
  'EXP-DICOM-003': (r) => {
    assert.match(r.output, /Received Echo Response \(Success\)/);
    assert.match(r.command, /-aec (DCMQRSCP|ORTHANC) /, 'the product default that was accepted');
    assert.equal(r.code, 0);
  },
  'EXP-DICOM-004': (r) => {
    assert.match(r.output, /Received Echo Response \(Success\)/);
    assert.doesNotMatch(r.command, /\+tla|\+tls/);
    assert.equal(r.code, 0);
  },
  'EXP-WEB-001': (r) => {
    assert.equal(r.output.trim(), '1', 'one study record, counted');
    assert.equal(r.code, 0);
  },
  'EXP-WEB-002': (r) => {
    assert.ok(Number(orthancJson(r.output).CountStudies) >= 1);
    assert.equal(r.code, 0);
  },
  'EXP-WEB-004': (r) => {
    // The default login's server holds the lab's studies: the counts come back with orthanc:orthanc.
    assert.match(r.command, / -u orthanc:orthanc /);
    assert.ok(Number(orthancJson(r.output).CountStudies) >= 1);
    assert.equal(r.code, 0);
  },
  'EXP-WEB-005': (r) => {
    assert.match(r.output, /^HTTP\/1\.[01] 401/m);
    assert.match(r.output, /^WWW-Authenticate: Basic realm="Orthanc Secure Area"/im);
    assert.equal(r.code, 0);
  },
  'EXP-WEB-006': (r) => {
    assert.equal(orthancJson(r.output).Version, '1.10.1', 'the version the advisories list');
    assert.equal(r.code, 0);
  },
  'EXP-WEB-007': (r) => {
    assert.equal(r.output.trim(), '200');
    assert.equal(r.code, 0);
  },
  'EXP-TLS-002': (r) => {
    assert.match(r.output, /Verify return code: 18 \(self[- ]signed certificate\)/);
  },
  'EXP-TLS-003': (r) => {
    // Any HTTP status shows the clear-text API: 200 where open, 401 behind the default login.
    assert.match(r.output.trim(), /^(200|401)$/);
    assert.equal(r.code, 0);
  },
  'EXP-NAS-001': (r) => {
    assert.ok(Number(r.output.trim()) > 0, `names counted at the top: ${r.output.trim()}`);
    assert.equal(r.code, 0);
  },
  'EXP-NAS-002': (r) => {
    assert.ok(Number(r.output.trim()) > 2, `entries beyond . and ..: ${r.output.trim()}`);
    assert.equal(r.code, 0);
  },
  // Readable without a password, no DICOM recognised: the same counted listing.
  'EXP-NAS-003': (r) => {
    assert.ok(Number(r.output.trim()) > (r.command.startsWith('smbclient') ? 2 : 0), `entries counted: ${r.output.trim()}`);
    assert.equal(r.code, 0);
  },
  'EXP-NAS-005': (r) => {
    assert.match(r.output, /Message signing enabled but not required/);
    assert.equal(r.code, 0);
  },
  'EXP-NAS-006': (r) => {
    assert.match(r.output, /Requested SSL level failed/);
    assert.equal(r.code, 64, 'curl: the server offered no AUTH TLS');
  },
  'EXP-NAS-007': (r) => {
    assert.match(r.output, /^\s*scans\s+Disk/m);
    assert.equal(r.code, 0);
  },
};

describe('proof commands against the lab', { timeout: 600_000 }, () => {
  it('scanned the lab and found what each server exposes, with a command for each finding a tool can show', () => {
    const seen = new Set(ran.map((r) => r.ruleId));
    for (const id of ['EXP-DICOM-001', 'EXP-DICOM-002', 'EXP-DICOM-003', 'EXP-DICOM-004', 'EXP-WEB-001', 'EXP-WEB-002', 'EXP-WEB-004', 'EXP-WEB-005', 'EXP-WEB-006', 'EXP-WEB-007', 'EXP-TLS-002', 'EXP-TLS-003', 'EXP-NAS-001', 'EXP-NAS-002', 'EXP-NAS-005', 'EXP-NAS-006', 'EXP-NAS-007']) {
      assert.ok(seen.has(id), `no command was run for ${id}`);
    }
    // The indicator findings fire on the lab's decoys and say why they have no command.
    const none = services.flatMap((s) => s.findings).filter((f) => f.proof.kind === 'none');
    assert.ok(none.some((f) => f.ruleId === 'EXP-NAS-101'));
    assert.ok(none.every((f) => f.proof.kind === 'none' && f.proof.reason.length > 20));
  });

  it("each command's output demonstrates its finding", () => {
    for (const r of ran) {
      const check = DEMONSTRATES[r.ruleId];
      assert.ok(check, `${r.ruleId} on ${r.where} has a command and no check here: ${r.command}`);
      try {
        check(r);
      } catch (e) {
        throw new Error(`${r.ruleId} on ${r.where}: ${r.command}\n--- output (exit ${r.code}) ---\n${r.output.slice(0, 2000)}\n--- ${(e as Error).message}`);
      }
    }
  });

  it('no command prints a canary patient value, nor holds one', () => {
    assert.ok(ran.length >= 20, `only ${ran.length} commands ran`);
    for (const r of ran) {
      for (const v of CANARY_VALUES) {
        assert.ok(!r.output.includes(v), `${r.ruleId} on ${r.where} printed a canary value`);
        assert.ok(!r.command.includes(v), `${r.ruleId} on ${r.where} holds a canary value`);
      }
    }
  });

  it('the canary check could fail: the same QIDO-RS query without the count prints canary values', async () => {
    const qido = ran.find((r) => r.ruleId === 'EXP-WEB-001');
    assert.ok(qido);
    const raw = qido.command.replace(/ \| grep -c .*$/, '');
    assert.notEqual(raw, qido.command);
    const { output } = await sh(raw);
    assert.ok(CANARY_VALUES.some((v) => output.includes(v)), 'QIDO-RS returns patient attributes whatever includefield asks');
  });
});
