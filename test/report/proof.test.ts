/**
 * The owner's proof commands (src/report/proof.ts): one for every rule a
 * standard tool can show, the exact command for each kind of service, none
 * (with a reason) where showing it would write or print names, and hostile
 * AE titles, share names and host names that stay one shell word each — run
 * through a real `sh` with stand-in tools that record what they were given.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assess } from '../../src/assess/assess.ts';
import { RULES } from '../../src/assess/rules/index.ts';
import type { DicomDetails, Observation, SmbDetails } from '../../src/observation/observation.ts';
import { IDENTIFYING_ATTRIBUTES } from '../../src/privacy/identifying-attributes.ts';
import { shellWord } from '../../src/report/escape.ts';
import { findingProof, proofLine, RULES_WITH_PROOF, RULES_WITHOUT_PROOF, type Proof } from '../../src/report/proof.ts';
import { dicomObservation, guessedArchive, lockedArchive, openArchive } from '../fixtures/observations.ts';
import { guestSmb, nfsObservation, openFtp, openNfs, smbObservation, uploadFtp, openRsync } from '../fixtures/nas-observations.ts';
import * as web from '../fixtures/web-observations.ts';

function command(ruleId: string, o: Observation): string {
  const p = findingProof(ruleId, o);
  assert.equal(p.kind, 'command', `${ruleId}: ${p.kind === 'none' ? p.reason : ''}`);
  return p.kind === 'command' ? p.command : '';
}

function none(ruleId: string, o: Observation): string {
  const p = findingProof(ruleId, o);
  assert.equal(p.kind, 'none', `${ruleId} gave a command: ${p.kind === 'command' ? p.command : ''}`);
  return p.kind === 'none' ? p.reason : '';
}

const dicomTls = dicomObservation(openArchive.details as DicomDetails, {
  protocol: 'dicom-tls',
  tls: true,
  tlsInfo: web.SELF_SIGNED_EXPIRED_WEAK,
  endpoint: { ip: '127.0.0.12', port: 2762 },
});
const httpsOrthanc = web.withTls(web.openOrthanc, web.SELF_SIGNED_EXPIRED_WEAK);
/** An archive whose worklist answered too (the Modality Worklist C-FIND on the same association). */
const openWorklist = dicomObservation(
  { ...(openArchive.details as DicomDetails), mwl: { outcome: 'success', matches: 4, capped: false, patients: { n: 3, atLeast: false }, modalities: ['CT'] } },
  { endpoint: { ip: '127.0.0.14', port: 104 } },
);

/** Every observation the fixtures hold, with the findings assess gives it. */
const FIXTURES: readonly Observation[] = [openArchive, guessedArchive, lockedArchive, dicomTls, web.openQido, web.lockedQido, web.openOrthanc, web.emptyOrthanc, web.defaultLoginOrthanc, web.lockedPortal, web.blankLoginPortal, web.openPortal, httpsOrthanc, openWorklist, openRsync, openNfs, openFtp, uploadFtp, guestSmb];

describe('which rules have a proof', () => {
  it('names every rule once: with a command, or never with one', () => {
    const listed = [...RULES_WITH_PROOF, ...RULES_WITHOUT_PROOF].sort();
    assert.deepEqual(listed, RULES.map((r) => r.id).sort());
  });

  it('gives a command for every rule that has one, on a fixture it fires on', () => {
    const shown = new Set<string>();
    for (const o of FIXTURES) for (const f of assess(o)) if (findingProof(f.ruleId, o).kind === 'command') shown.add(f.ruleId);
    // EXP-DICOM-006 needs a product version with advisories, which no fixture has: tested on its own below.
    assert.deepEqual(RULES_WITH_PROOF.filter((id) => !shown.has(id)), ['EXP-DICOM-006']);
  });

  it('gives a reason, never a command, where showing would write a file or print names', () => {
    assert.match(none('EXP-NAS-004', uploadFtp), /writing a file/);
    assert.match(none('EXP-NAS-101', openFtp), /named after patients/);
    assert.match(none('EXP-NAS-101', openFtp), /matched by content may hold patient data/);
    assert.match(none('EXP-NAS-102', guestSmb), /named after patients/);
    assert.match(none('EXP-NOPE-999', openArchive), /no standard command/);
  });

  it('asks C-FIND only for keys that identify no one', () => {
    const identifying = new Set(IDENTIFYING_ATTRIBUTES.map((a) => a.keyword));
    const keys = [...command('EXP-DICOM-001', openArchive).matchAll(/-k (\w+)/g)].map((m) => m[1]!);
    assert.deepEqual(keys, ['QueryRetrieveLevel', 'NumberOfStudyRelatedInstances', 'ModalitiesInStudy']);
    for (const k of keys) assert.ok(!identifying.has(k), `${k} is an identifying attribute`);
    assert.ok(!keys.includes('StudyInstanceUID'), 'a study UID links records across systems');
  });
});

/** Each [rule, observation, command]: the command the rule's proof must be on that observation. */
type Case = readonly [string, Observation, string];

function expectCommands(cases: readonly Case[]): void {
  for (const [ruleId, o, expected] of cases) assert.equal(command(ruleId, o), expected, ruleId);
}

const FIND = 'findscu -v -sr -S --cancel 1 -aet EXPOSURE -aec XQ-NO-SUCH-AE-7 -k QueryRetrieveLevel=STUDY -k NumberOfStudyRelatedInstances -k ModalitiesInStudy 127.0.0.2 4242';
const STATUS = "curl -sS -o /dev/null -w '%{http_code}\\n'";
const TLS_PEER = 'openssl s_client -connect 127.0.0.12:2762';

describe('the commands', () => {
  it('DICOM: findscu and echoscu with the calling AE the scan used and the called AE that was accepted', () => {
    expectCommands([
      ['EXP-DICOM-001', openArchive, FIND],
      ['EXP-DICOM-002', openArchive, 'echoscu -v -aet EXPOSURE -aec XQ-NO-SUCH-AE-7 127.0.0.2 4242'],
      ['EXP-DICOM-003', guessedArchive, 'echoscu -v -aet EXPOSURE -aec DCMQRSCP 127.0.0.2 4242'],
      ['EXP-DICOM-005', guessedArchive, FIND.replace('XQ-NO-SUCH-AE-7', 'DCMQRSCP')],
      // Nothing accepted: the refusal itself shows the clear-text upper layer.
      ['EXP-DICOM-004', lockedArchive, 'echoscu -v -aet EXPOSURE -aec XQ-NO-SUCH-AE-7 127.0.0.2 4242'],
    ]);
    const p = findingProof('EXP-DICOM-004', lockedArchive);
    assert.ok(p.kind === 'command' && /Association Rejected/.test(p.shows));
  });

  it('DICOM TLS: +tla -ic, and the certificate findings through openssl', () => {
    expectCommands([
      ['EXP-DICOM-002', dicomTls, 'echoscu -v +tla -ic -aet EXPOSURE -aec XQ-NO-SUCH-AE-7 127.0.0.12 2762'],
      ['EXP-TLS-002', dicomTls, `${TLS_PEER} </dev/null 2>&1 | grep 'Verify return code'`],
      ['EXP-TLS-001', dicomTls, `${TLS_PEER} </dev/null 2>/dev/null | openssl x509 -noout -enddate -checkend 0`],
      ['EXP-TLS-005', dicomTls, `${TLS_PEER} </dev/null 2>&1 | grep 'Server public key'`],
      ['EXP-TLS-004', dicomTls, `${TLS_PEER} -tls1 -cipher DEFAULT:@SECLEVEL=0 </dev/null 2>&1 | grep 'Protocol *:'`],
    ]);
    const modern = { ...dicomTls, tlsInfo: { ...web.SELF_SIGNED_EXPIRED_WEAK, version: 'SSLv3' } };
    assert.match(none('EXP-TLS-004', modern), /cannot offer SSLv3/);
  });

  it('DICOM: the implementation version from the association, for a DCMTK with advisories', () => {
    const old = dicomObservation(guessedArchive.details as DicomDetails, { product: { name: 'DCMTK', version: '3.6.5', basis: 'implementation class UID', confidence: 'certain' } });
    assert.deepEqual(assess(old).map((f) => f.ruleId).includes('EXP-DICOM-006'), true);
    expectCommands([['EXP-DICOM-006', old, "echoscu -d -aet EXPOSURE -aec DCMQRSCP 127.0.0.2 4242 2>&1 | grep 'Their Implementation'"]]);
  });

  it('web: counts from Orthanc REST, a counted QIDO-RS study, status codes for pages', () => {
    expectCommands([
      ['EXP-WEB-002', web.openOrthanc, 'curl -sS --fail http://127.0.0.2:8042/statistics'],
      ['EXP-WEB-006', web.openOrthanc, 'curl -sS --fail http://127.0.0.2:8042/system'],
      ['EXP-WEB-003', web.emptyOrthanc, 'curl -sS --fail https://127.0.0.2:8042/statistics'],
      [
        'EXP-WEB-001',
        web.openQido,
        "curl -sS --fail -H 'Accept: application/dicom+json' 'http://127.0.0.2:8042/dicom-web/studies?limit=1&includefield=NumberOfStudyRelatedInstances&includefield=ModalitiesInStudy&fuzzymatching=false' | grep -c '\"0020000D\"'",
      ],
      ['EXP-WEB-007', web.openPortal, `${STATUS} http://127.0.0.2:8042/app/explorer.html`],
      ['EXP-WEB-005', web.lockedPortal, 'curl -sS -o /dev/null -D - http://127.0.0.2:8042/'],
      ['EXP-TLS-003', web.openOrthanc, `${STATUS} http://127.0.0.2:8042/system`],
      ['EXP-TLS-003', web.lockedQido, `${STATUS} http://127.0.0.2:8042/`],
    ]);
  });

  it('web over TLS: -k only where the certificate is known to fail the check', () => {
    expectCommands([['EXP-WEB-002', httpsOrthanc, 'curl -sS --fail -k https://127.0.0.2:8042/statistics']]);
    assert.ok(!command('EXP-WEB-003', web.emptyOrthanc).includes(' -k '), 'no certificate known to be bad, no -k');
  });

  it('web logins: the documented default credential, a blank one, and none for a form', () => {
    const d = web.defaultLoginOrthanc.details;
    assert.ok(d?.protocol === 'orthanc');
    const digest = { ...web.defaultLoginOrthanc, details: { ...d, login: { ...d.login, kind: 'digest' as const } } };
    expectCommands([
      ['EXP-WEB-004', web.defaultLoginOrthanc, 'curl -sS --fail -u orthanc:orthanc http://127.0.0.2:8042/statistics'],
      ['EXP-WEB-004', web.blankLoginPortal, `${STATUS} -u : http://127.0.0.2:8042/`],
      ['EXP-WEB-004', digest, 'curl -sS --fail --digest -u orthanc:orthanc http://127.0.0.2:8042/statistics'],
    ]);
    const orthanc = findingProof('EXP-WEB-004', web.defaultLoginOrthanc);
    assert.ok(orthanc.kind === 'command' && /the password Orthanc documents as its default \(orthanc\)/.test(orthanc.shows));
    const form = { ...web.defaultLoginOrthanc, details: { ...d, login: { ...d.login, kind: 'form' as const } } };
    assert.match(none('EXP-WEB-004', form), /HTML form/);
    const unknownUser = { ...web.defaultLoginOrthanc, details: { ...d, login: { ...d.login, defaultUser: 'admin' } } };
    assert.match(none('EXP-WEB-004', unknownUser), /not in this version's table/);
  });

  it('file shares: counted listings, smbclient, nmap and the refused AUTH TLS', () => {
    const d = guestSmb.details as SmbDetails;
    const nullSession = smbObservation({ ...d, session: 'null-session' }, { endpoint: guestSmb.endpoint });
    const blank = { ...openFtp, details: { ...openFtp.details!, loggedInAs: 'blank' as const } } as Observation;
    expectCommands([
      ['EXP-NAS-001', openFtp, 'curl -sS --list-only --user anonymous: ftp://127.0.0.7:21/ | wc -l'],
      ['EXP-NAS-006', openFtp, 'curl -sS --ssl-reqd --list-only --user anonymous: -o /dev/null ftp://127.0.0.7:21/'],
      ['EXP-NAS-003', uploadFtp, 'curl -sS --list-only --user anonymous: ftp://127.0.0.7:21/ | wc -l'],
      ['EXP-NAS-002', guestSmb, "smbclient -N -U guest //127.0.0.9/scans -p 445 -c ls | grep -c '^  '"],
      ['EXP-NAS-007', guestSmb, 'smbclient -N -U guest -L //127.0.0.9 -p 445'],
      ['EXP-NAS-005', guestSmb, 'nmap -Pn -p 445 --script smb2-security-mode 127.0.0.9'],
      ['EXP-NAS-007', nullSession, "smbclient -N -U '' -L //127.0.0.9 -p 445"],
      ['EXP-NAS-001', blank, 'curl -sS --list-only --user : ftp://127.0.0.7:21/ | wc -l'],
    ]);
  });

  it('NFS: showmount through the port mapper on 111, none on another port', () => {
    expectCommands([
      ['EXP-NAS-013', openNfs, 'showmount -e 127.0.0.18'],
      ['EXP-NAS-014', openNfs, 'showmount -e 127.0.0.18'],
    ]);
    const elsewhere = nfsObservation(openNfs.details as never, { endpoint: { ip: '127.0.0.18', port: 1111 } });
    assert.match(none('EXP-NAS-013', elsewhere), /port mapper on port 111/);
  });

  it('IPv6: bracketed URLs with -g, -6 for nmap, -I for smbclient, none for DCMTK', () => {
    const v6 = (o: Observation): Observation => ({ ...o, endpoint: { ...o.endpoint, ip: '2001:db8::7' } });
    expectCommands([
      ['EXP-WEB-002', v6(web.openOrthanc), "curl -sS --fail -g 'http://[2001:db8::7]:8042/statistics'"],
      ['EXP-NAS-005', v6(guestSmb), 'nmap -6 -Pn -p 445 --script smb2-security-mode 2001:db8::7'],
      ['EXP-NAS-007', v6(guestSmb), 'smbclient -N -U guest -L //2001-db8--7.ipv6-literal.net -I 2001:db8::7 -p 445'],
      ['EXP-TLS-002', v6(dicomTls), "openssl s_client -connect '[2001:db8::7]:2762' </dev/null 2>&1 | grep 'Verify return code'"],
    ]);
    assert.match(none('EXP-DICOM-002', v6(openArchive)), /IPv6/);
  });

  it('a target given by name keeps its name: --resolve for curl, -servername for openssl', () => {
    const named = (o: Observation): Observation => ({ ...o, endpoint: { ...o.endpoint, hostname: 'pacs.example.org' } });
    // A stored name that is no DNS name is not used: the address is.
    const odd = { ...web.openOrthanc, endpoint: { ...web.openOrthanc.endpoint, hostname: "x'; touch y" } };
    expectCommands([
      ['EXP-WEB-002', named(web.openOrthanc), 'curl -sS --fail --resolve pacs.example.org:8042:127.0.0.2 http://pacs.example.org:8042/statistics'],
      ['EXP-TLS-002', named(dicomTls), `${TLS_PEER} -servername pacs.example.org </dev/null 2>&1 | grep 'Verify return code'`],
      ['EXP-WEB-002', odd, 'curl -sS --fail http://127.0.0.2:8042/statistics'],
    ]);
  });

  it('a stored endpoint that is not an address gives a reason', () => {
    assert.match(none('EXP-WEB-002', { ...web.openOrthanc, endpoint: { ip: '$(reboot)', port: 8042 } }), /not an IP address/);
  });

  it('proofLine: the command, or "no command:" and the reason', () => {
    const p: Proof = { kind: 'none', reason: 'because' };
    assert.equal(proofLine(p), 'no command: because');
    assert.equal(proofLine(findingProof('EXP-NAS-007', guestSmb)), 'smbclient -N -U guest -L //127.0.0.9 -p 445');
  });
});

describe('hostile values stay one shell word', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-proof-'));
  const bin = join(dir, 'bin');
  const record = join(dir, 'argv');
  const marker = join(dir, 'pwned');
  after(() => rmSync(dir, { recursive: true, force: true }));

  // Stand-ins for the tools: each appends its arguments, NUL-separated, to one file.
  execFileSync('mkdir', [bin]);
  for (const tool of ['echoscu', 'findscu', 'curl', 'smbclient', 'openssl', 'nmap']) {
    const path = join(bin, tool);
    writeFileSync(path, `#!/bin/sh\nprintf '%s\\0' "$0" "$@" >> ${shellWord(record)}\nprintf '\\n' >> ${shellWord(record)}\n`);
    chmodSync(path, 0o755);
  }

  /** Runs a command line in sh with the stand-ins first on PATH; returns each tool's argv. */
  function run(line: string): string[][] {
    rmSync(record, { force: true });
    // The exit status is the pipeline's last tool's (grep -c of nothing is 1): what counts is what ran.
    const r = spawnSync('/bin/sh', ['-c', line], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir }, cwd: dir, timeout: 10_000, stdio: ['ignore', 'ignore', 'ignore'] });
    assert.equal(r.error, undefined);
    const text = existsSync(record) ? readFileSync(record, 'utf8') : '';
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\0').slice(0, -1).map((a, i) => (i === 0 ? a.slice(a.lastIndexOf('/') + 1) : a)));
  }

  const HOSTILE = [
    "X'; touch pwned; echo '",
    '$(touch pwned)',
    '`touch pwned`',
    'A"B\\C $HOME ~ * ? [x] {a,b} ! # & | ; < > ( )',
    '=touch',
    '-rf pwned',
    'é ü 日本',
  ];

  it('an AE title, through echoscu and findscu', () => {
    for (const title of HOSTILE) {
      const o = dicomObservation({
        ...(openArchive.details as DicomDetails),
        attempts: [{ calledAeTitle: title, callingAeTitle: `${title}-calling`, origin: 'user', outcome: 'accepted' }],
        acceptedCalledAeTitle: title,
      });
      for (const ruleId of ['EXP-DICOM-001', 'EXP-DICOM-002']) {
        const argv = run(command(ruleId, o));
        assert.equal(argv.length, 1, `${ruleId} ${title}: one tool run`);
        const args = argv[0]!;
        assert.equal(args[args.indexOf('-aec') + 1], title, `${ruleId}: the called AE title arrives whole`);
        assert.equal(args[args.indexOf('-aet') + 1], `${title}-calling`);
        assert.deepEqual(args.slice(-2), ['127.0.0.2', '4242']);
      }
      assert.ok(!existsSync(marker), `${title} ran a command`);
    }
  });

  it('a share name, through smbclient', () => {
    const d = guestSmb.details as SmbDetails;
    for (const name of HOSTILE) {
      const o = smbObservation({ ...d, shares: d.shares.map((s) => ({ ...s, name })) }, { endpoint: guestSmb.endpoint });
      const argv = run(command('EXP-NAS-002', o));
      assert.deepEqual(argv[0], ['smbclient', '-N', '-U', 'guest', `//127.0.0.9/${name}`, '-p', '445', '-c', 'ls']);
      assert.ok(!existsSync(marker), `${name} ran a command`);
    }
  });

  it('a QIDO-RS root and a portal path, through curl', () => {
    for (const path of HOSTILE) {
      const d = web.openQido.details;
      assert.ok(d?.protocol === 'dicomweb');
      const qido = { ...web.openQido, details: { ...d, root: `/${path}` } };
      const argv = run(command('EXP-WEB-001', qido));
      const url = new URL(argv[0]!.at(-1)!);
      assert.equal(decodeURIComponent(url.pathname), `/${path}/studies`);
      assert.equal(url.searchParams.get('limit'), '1');
      assert.ok(!existsSync(marker), `${path} ran a command`);
    }
  });

  it('a value a copied line cannot carry gives a reason, not an altered command', () => {
    for (const title of ['A\nB', 'A\u0000B', 'A\u202eB', 'A\u001b[2JB']) {
      const o = dicomObservation({
        ...(openArchive.details as DicomDetails),
        attempts: [{ calledAeTitle: title, callingAeTitle: 'EXPOSURE', origin: 'user', outcome: 'accepted' }],
        acceptedCalledAeTitle: title,
      });
      assert.match(none('EXP-DICOM-002', o), /the called AE title holds control or invisible characters/);
    }
  });

  it('shellWord leaves plain words bare and quotes the rest', () => {
    const words: ReadonlyArray<readonly [string, string]> = [
      ['127.0.0.1', '127.0.0.1'],
      ['QueryRetrieveLevel=STUDY', 'QueryRetrieveLevel=STUDY'],
      ['', "''"],
      ['=x', "'=x'"],
      ['~root', "'~root'"],
      ["it's", "'it'\\''s'"],
    ];
    for (const [value, word] of words) assert.equal(shellWord(value), word, value);
  });
});
