/**
 * `exposure audit` as a user runs it (compiled: npm run build first): exit
 * codes, the three formats, files it cannot read, and no password or site
 * user name in any output.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { exposure } from './exposure-cli.ts';

let dir: string;
const path = (name: string): string => join(dir, name);
const SECRET = 'Hunter2-Secret-Pw';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exposure-audit-cli-'));
  await mkdir(path('open'));
  await writeFile(
    path('open/orthanc.json'),
    `{\n  // remote access without a login\n  "RemoteAccessAllowed" : true,\n  "AuthenticationEnabled" : false,\n  "RegisteredUsers" : { "night-shift" : "${SECRET}" },\n  "DicomAlwaysAllowFind" : true\n}\n`,
  );
  await writeFile(path('vsftpd.conf'), 'anonymous_enable=NO\n');
  await writeFile(path('smb.conf'), '[global]\nserver signing = mandatory\nrestrict anonymous = 2\nserver smb encrypt = required\n[r]\npath = /srv/r\n');
  await writeFile(path('site-ftp'), 'anonymous_enable=YES\nssl_enable=YES\n');
  await writeFile(path('broken.json'), `{ "RegisteredUsers": { "a": "${SECRET}" `);
  await writeFile(path('big.conf'), '');
  await truncate(path('big.conf'), 5 * 1024 * 1024); // sparse: refused from its size, never read
  await promisify(execFile)('mkfifo', [path('pipe')]);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('exposure audit', { timeout: 60_000 }, () => {
  it('exit 3 on a critical finding, with the setting\'s line and the change, and no secret printed', async () => {
    const r = await exposure(['audit', path('open/orthanc.json')]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /CRITICAL  EXP-DICOM-001  C-FIND returns patient records to an unknown calling AE\n    where:   line 6, column 3: DicomAlwaysAllowFind/);
    assert.match(r.stdout, /change:  Set "AuthenticationEnabled": true/);
    assert.ok(!r.stdout.includes(SECRET) && !r.stdout.includes('night-shift'));
    assert.equal(r.stderr, '');
  });

  it('exit 0 when nothing reaches --fail-on; --fail-on lowers or disables the threshold', async () => {
    assert.equal((await exposure(['audit', path('vsftpd.conf'), path('smb.conf')])).code, 0);
    const ftp = await exposure(['audit', path('site-ftp'), '--kind', 'vsftpd']);
    assert.equal(ftp.code, 3, 'anonymous FTP is critical');
    assert.equal((await exposure(['audit', path('site-ftp'), '--kind', 'vsftpd', '--fail-on', 'never'])).code, 0);
    const smb = await exposure(['audit', path('vsftpd.conf'), '--fail-on', 'low']);
    assert.equal(smb.code, 0);
  });

  it('json: the findings with their place, the rule texts and the summary', async () => {
    const r = await exposure(['audit', path('open/orthanc.json'), path('vsftpd.conf'), '--format', 'json']);
    const doc = JSON.parse(r.stdout) as { format: string; files: { status: string }[]; findings: { ruleId: string; place: { line?: number } }[]; summary: { findings: number } };
    assert.equal(doc.format, 'exposure-audit/1');
    assert.deepEqual(doc.files.map((f) => f.status), ['audited', 'audited']);
    assert.equal(doc.findings.find((f) => f.ruleId === 'EXP-DICOM-001')?.place.line, 6);
    assert.equal(doc.summary.findings, doc.findings.length);
    assert.ok(!r.stdout.includes(SECRET));
  });

  it('md to a file: a table per file and the remediation by rule', async () => {
    const out = path('audit.md');
    const r = await exposure(['audit', path('open/orthanc.json'), '--format', 'md', '--out', out, '--fail-on', 'never']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    const md = await readFile(out, 'utf8');
    assert.match(md, /^# Configuration audit/);
    assert.match(md, /\| CRITICAL \| EXP-WEB-002 \| Orthanc REST API open without credentials, holding patient data \| line 4, column 3: AuthenticationEnabled \|/);
    assert.match(md, /## Remediation/);
    assert.ok(!md.includes(SECRET));
  });

  it('exit 2 when a file cannot be audited, the others still reported; one line each, no stack trace', async () => {
    const r = await exposure(['audit', path('vsftpd.conf'), path('broken.json'), path('big.conf'), path('pipe'), dir, path('missing.conf')], 20_000);
    assert.equal(r.code, 2);
    const refused = r.stdout.split('\n').filter((l) => l.includes(': refused: '));
    assert.deepEqual(refused, [
      `${path('broken.json')} (Orthanc, JSON with comments): refused: line 1, column 49: invalid JSON (CloseBraceExpected)`,
      `${path('big.conf')}: refused: is 5242880 bytes, more than the 4 MiB a configuration file may have`,
      `${path('pipe')}: refused: is not a regular file`,
      `${dir}: refused: is a folder: give its files (for Orthanc, FOLDER/*.json)`,
      `${path('missing.conf')}: refused: cannot be read (ENOENT)`,
    ]);
    assert.match(r.stdout, /vsftpd\.conf \(vsftpd\.conf\): nothing found/);
    assert.match(r.stdout, /0 findings in 6 files; 5 refused\n$/);
    assert.ok(!r.stdout.includes(SECRET) && !/\bat \w+ \(/.test(r.stdout + r.stderr));
  });

  it('a usage error: an unknown --kind', async () => {
    const r = await exposure(['audit', path('vsftpd.conf'), '--kind', 'apache']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /argument 'apache' is invalid/);
  });
});
