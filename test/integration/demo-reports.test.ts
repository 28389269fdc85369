/**
 * The demo's reports as a new user reads them, against the lab's real
 * servers: Orthanc open to anyone, Orthanc behind its documented default
 * login (portal, REST API and DICOMweb on one port), and a DICOM TLS SCP,
 * scanned with --check-logins. The exposed DICOMweb service behind the
 * default login carries the port's login finding on its own card; the
 * headline and the letter tell "anyone" from "anyone with the vendor's
 * default password"; the letter lists every action the run took; the TLS
 * card shows the certificate's validity; the progress line at 100 % is
 * printed once. No canary patient value reaches any output.
 * Runs on 127.0.95.x so other test files can use their own addresses.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CANARY_VALUES, startLab, type Lab, type LabServerName } from '../../src/lab/lab.ts';

const run = promisify(execFile);
const ADDRESSES: Partial<Record<LabServerName, string>> = {
  'orthanc-open': '127.0.95.2',
  'orthanc-default-login': '127.0.95.11',
  'dicom-tls': '127.0.95.12',
};
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'exposure.js');

let labDir: string;
let outDir: string;
let lab: Lab;
let scanStderr = '';

async function exposure(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [CLI, ...args], { timeout: 120_000, maxBuffer: 64 << 20 });
}

const read = (name: string): Promise<string> => readFile(join(outDir, name), 'utf8');

/** The HTML card of one service: from its section's start to its end. */
function card(html: string, ip: string, port: number, protocol: string): string {
  const start = html.indexOf(`id="svc-${ip.replace(/\./g, '-')}-${port}-${protocol}"`);
  assert.ok(start >= 0, `a card for ${protocol} on ${ip}:${port}`);
  return html.slice(start, html.indexOf('</section>', start));
}

before(async () => {
  labDir = await mkdtemp(join(tmpdir(), 'exposure-demo-lab-'));
  outDir = await mkdtemp(join(tmpdir(), 'exposure-demo-out-'));
  lab = await startLab({ dir: join(labDir, 'lab'), addresses: ADDRESSES, only: Object.keys(ADDRESSES) as LabServerName[] });
  const db = join(outDir, 'demo.db');
  const scan = await exposure(['scan', '127.0.95.2-127.0.95.12', '--ports', '2762,4242,8042', '--check-logins', '--db', db, '--io-timeout', '5000', '--contact', 'security@example.org']);
  scanStderr = scan.stderr;
  await writeFile(join(outDir, 'scan.stderr'), scan.stderr);
  for (const format of ['html', 'md', 'table']) await exposure(['report', '--db', db, '--format', format, '--out', join(outDir, `report.${format}`)]);
  await exposure(['report', '--db', db, '--by', 'org', '--out', join(outDir, 'packs')]);
});

after(async () => {
  await lab?.stop();
  await rm(labDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

describe('the demo reports', { timeout: 300_000 }, () => {
  it('the exposed DICOMweb behind the default login shows the login finding kept on its port', async () => {
    const html = await read('report.html');
    const dicomweb = card(html, '127.0.95.11', 8042, 'dicomweb');
    assert.match(dicomweb, /<span class="badge exposed">exposed<\/span>/);
    assert.match(dicomweb, /<th>Access<\/th><td>vendor-default login accepted \(user orthanc\)<\/td>/);
    assert.match(dicomweb, /<th>Findings on this port<\/th><td>.*<a href="#rule-exp-web-004" class="sev critical">EXP-WEB-004<\/a>/);
    // Counted once: the rule's list names the port once.
    const rule = html.slice(html.indexOf('id="rule-exp-web-004"'));
    assert.match(rule, /<p><strong>Affected \(1\):<\/strong><\/p>/);
    const md = await read('report.md');
    assert.match(md, /\| 127\.0\.95\.11:8042 \| dicomweb \|.*on this port: EXP-WEB-004 \(on the portal service\)/);
  });

  it('the headline tells the open server from the one that needed the vendor default password', async () => {
    const html = await read('report.html');
    assert.match(html, /hand patient records to anyone who asks, 2 of them only with the vendor&#39;s default password\./);
    assert.match(html, /patient records reachable \(summed over servers; ≥ \d+ distinct\)/);
    assert.match(await read('report.md'), /\*\*Who can read them:\*\* anyone who asks, 2 of them only with the vendor's default password/);
  });

  it('the TLS service card shows the protocol version and the certificate validity', async () => {
    const tls = card(await read('report.html'), '127.0.95.12', 2762, 'dicom-tls');
    assert.match(tls, /<th>TLS<\/th><td>TLSv1\.[23] · [^<]*self-signed[^<]* · valid \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/);
  });

  it('the letter says which records needed the default password, lists every action the run took and names each protocol', async () => {
    const [folder] = (await readdir(join(outDir, 'packs'))).filter((f) => f !== 'index.md');
    const letter = await readFile(join(outDir, 'packs', folder!, 'README.md'), 'utf8');
    assert.match(letter, /returned patient-level study records: \d+ to an unauthenticated query, 2 only with the vendor's default password\./);
    assert.match(letter, /^- Connected over TCP to ports 2762, 4242, 8042 of each address in scope\.$/m);
    assert.match(letter, /^- DICOM: asked for an association .* stopping with C-CANCEL at [\d,]+ records; where the same association accepted Modality Worklist, sent one worklist C-FIND, counted and capped the same way; released the association\.$/m);
    assert.match(letter, /^- Web logins \(--check-logins\): tried a blank user name and password, then the vendors' documented default accounts/m);
    assert.match(letter, /^- FTP: read the greeting and FEAT, then tried an anonymous login, then a blank one\.$/m);
    assert.match(letter, /^- Nothing was written: no file was created, changed or deleted \(no --check-write\)\.$/m);
    assert.match(letter, /^\| Endpoint \| Protocol \| Product \| Called AE \| Access \|/m);
    for (const protocol of ['portal', 'orthanc', 'dicomweb']) assert.match(letter, new RegExp(`^\\| 127\\.0\\.95\\.11:8042 \\| ${protocol} \\|`, 'm'));
  });

  it('prints the 100 % progress line once, and nouns that agree with their counts', () => {
    assert.equal(scanStderr.split('\n').filter((l) => l.startsWith('progress: ') && l.includes('(100.0%)')).length, 1, scanStderr);
    assert.match(scanStderr, /^done: 11 targets done · 0 excluded · \d+ unreachable \(no open port\) · \d+ open ports · \d+ services · \d+ findings$/m);
  });

  it('no canary patient value in any byte the scan or its reports wrote', async () => {
    const files = [...(await readdir(outDir)).filter((f) => f !== 'packs').map((f) => join(outDir, f))];
    for (const folder of await readdir(join(outDir, 'packs'))) {
      if (folder.endsWith('.md')) files.push(join(outDir, 'packs', folder));
      else for (const f of await readdir(join(outDir, 'packs', folder))) files.push(join(outDir, 'packs', folder, f));
    }
    assert.ok(files.length >= 6);
    for (const f of files) {
      const bytes = await readFile(f);
      for (const v of CANARY_VALUES) assert.ok(!bytes.toString('latin1').includes(v) && !bytes.toString('utf8').includes(v), `canary value found in ${f}`);
    }
  });
});
