/**
 * The audit as a whole: kinds told apart, one source for rule texts, findings
 * ordered, and hostile files refused with one line that names the problem and
 * never carries the file's content.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RULES } from '../../src/assess/rules/index.ts';
import { detectKind } from '../../src/audit/kind.ts';
import { DEFAULT_AUDIT_LIMITS } from '../../src/audit/limits.ts';
import { CONFIG_ONLY_RULES } from '../../src/audit/rules.ts';
import { Finding, severityRank } from '../../src/observation/finding.ts';
import { audit, ids, refusal } from './helpers.ts';

const MARKER = 'PLANTED-SECRET-7f3a';

describe('detectKind', () => {
  it('by the usual file names', () => {
    assert.equal(detectKind('/etc/orthanc/dicomweb.json', ''), 'orthanc');
    assert.equal(detectKind('/etc/dcmtk/dcmqrscp.cfg', ''), 'dcmqrscp');
    assert.equal(detectKind('/etc/vsftpd.conf', ''), 'vsftpd');
    assert.equal(detectKind('/etc/vsftpd/vsftpd-anon.conf', ''), 'vsftpd');
    assert.equal(detectKind('/etc/samba/smb.conf', ''), 'samba');
    assert.equal(detectKind('/etc/rsyncd.conf', ''), 'rsyncd');
    assert.equal(detectKind('/etc/exports', ''), 'exports');
    assert.equal(detectKind('/etc/exports.d/pacs.exports', ''), 'exports');
    assert.equal(detectKind('/etc/ganesha/ganesha.conf', ''), 'ganesha');
  });

  it('by content when the name says nothing', () => {
    assert.equal(detectKind('a', '// Orthanc\n/* block { */\n  { "DicomAet": "X" }'), 'orthanc');
    assert.equal(detectKind('b', '# archive\nAETable BEGIN\nAETable END\n'), 'dcmqrscp');
    assert.equal(detectKind('c', '# ftp\nlisten=YES\n'), 'vsftpd');
    assert.equal(detectKind('d', '; samba\n[global]\n   workgroup = X\n'), 'samba');
    assert.equal(detectKind('g', '# sync\nuid = nobody\n[images]\n  path = /srv\n  read only = yes\n  use chroot = yes\n'), 'rsyncd', 'rsync before Samba: same syntax');
    assert.equal(detectKind('h', '[images]\n  path = /srv\n  read only = yes\n'), 'samba', 'nothing only rsync has');
    assert.equal(detectKind('i', '# kernel NFS\n/srv/pacs   10.1.0.0/16(ro,sync) *(ro)\n'), 'exports');
    assert.equal(detectKind('j', '/srv/pub (ro)\n'), 'exports');
    assert.equal(detectKind('k', 'export {\n  Path = /srv;\n}\n'), 'ganesha');
    assert.equal(detectKind('e', 'hello world\n'), undefined);
    assert.equal(detectKind('f', `/*${'/*'.repeat(100_000)}`), undefined, 'an unclosed comment: linear, no answer');
  });
});

describe('auditConfigs', () => {
  it('refuses a file of unknown kind with a hint, and --kind forces the kind', () => {
    const text = 'anonymous_enable=YES\n';
    assert.equal(refusal(audit({ '/tmp/ftp-site': `# ftp\n${text}` }), '/tmp/ftp-site'), undefined, 'told by content');
    const unknown = audit({ '/tmp/settings': 'x = 1\n' });
    assert.equal(refusal(unknown, '/tmp/settings'), 'cannot tell which product it configures: give --kind (orthanc, dcmqrscp, vsftpd, samba, rsyncd, exports, ganesha)');
    assert.deepEqual(ids(audit({ '/tmp/settings': text.replace('YES', 'NO') }, { kind: 'vsftpd' })), []);
    assert.deepEqual(audit({ '/tmp/settings': 'x = 1\n' }, { kind: 'samba' }).files[0]?.status, 'audited');
  });

  it('carries the scan rules\' own title, severity and remediation, word for word', () => {
    const r = audit({
      '/a/orthanc.json': '{ "RemoteAccessAllowed": true, "AuthenticationEnabled": false, "DicomAlwaysAllowFind": true, "DicomAlwaysAllowGet": true }',
      '/a/smb.conf': '[scans]\nguest ok = yes\n',
      '/a/rsyncd.conf': '[m]\npath = /m\nread only = no\n',
      '/a/exports': '/srv *(rw,no_root_squash)\n',
    });
    assert.ok(['EXP-NAS-011', 'EXP-NAS-012', 'EXP-NAS-013', 'EXP-NAS-014', 'EXP-CONF-005', 'EXP-CONF-006'].every((id) => ids(r).includes(id)));
    const table = new Map([...RULES, ...CONFIG_ONLY_RULES].map((x) => [x.id, x]));
    assert.ok(r.findings.length >= 10);
    for (const f of r.findings) {
      const rule = table.get(f.ruleId)!;
      assert.deepEqual([f.title, f.severity, f.remediation, f.references, f.cwe], [rule.title, rule.severity, rule.remediation, [...rule.references], rule.cwe], f.ruleId);
    }
  });

  it('orders findings most severe first', () => {
    const r = audit({ '/a/orthanc.json': '{ "RemoteAccessAllowed": true, "AuthenticationEnabled": false, "DicomAlwaysAllowFind": true }' });
    const ranks = r.findings.map((f) => severityRank(f.severity));
    assert.deepEqual(ranks, [...ranks].sort((a, b) => b - a));
    assert.equal(r.findings[0]?.severity, 'critical');
  });
});

describe('configuration-only rules', () => {
  it('have ids of the finding schema that no scan rule uses, and each a remediation and a reference', () => {
    const scanIds = new Set(RULES.map((x) => x.id));
    for (const rule of CONFIG_ONLY_RULES) {
      assert.ok(!scanIds.has(rule.id), rule.id);
      assert.match(rule.id, /^EXP-CONF-\d{3}$/);
      assert.ok(Finding.shape.ruleId.safeParse(rule.id).success);
      assert.ok(rule.remediation.length > 40 && rule.references.length > 0 && rule.cwe, rule.id);
    }
    assert.equal(new Set(CONFIG_ONLY_RULES.map((x) => x.id)).size, CONFIG_ONLY_RULES.length);
  });
});

describe('hostile files: one line naming the file\'s problem, never its content', () => {
  const cases: [string, string | Uint8Array, RegExp][] = [
    ['huge', Buffer.alloc(DEFAULT_AUDIT_LIMITS.maxFileBytes + 1, 0x61), /^is 4194305 bytes, more than the 4 MiB a configuration file may have$/],
    ['binary', Buffer.concat([Buffer.from(`{ "${MARKER}": 1 }`), Buffer.from([0, 1, 2, 255])]), /^holds a NUL byte at offset \d+: it is binary, not a configuration file$/],
    ['latin1', Buffer.from([...Buffer.from(`[global]\ncomment = ${MARKER} `), 0xe9, 0x0a]), /^is not UTF-8 text$/],
    ['nested.json', `{ "${MARKER}": ${'['.repeat(70)}`, /^line 1, column \d+: nests deeper than 64 levels$/],
    ['invalid.json', `{ "RegisteredUsers": { "admin": "${MARKER}" `, /^line 1, column \d+: invalid JSON \(\w+\)$/],
    ['long-line.cfg', `NetworkTCPPort = 104\n# ${MARKER}${'x'.repeat(70_000)}\n`, /^line 2 is longer than 65536 characters$/],
    ['smb.conf', `[global]\ncomment = ${MARKER} \\\n${'x \\\n'.repeat(40_000)}`, /^line 2: continued past 65536 characters/],
    ['rsyncd.conf', `[m]\ncomment = ${MARKER} \\\n${'x \\\n'.repeat(40_000)}`, /^line 2: continued past 65536 characters/],
    ['exports', `/srv *(ro) \\\n${`${MARKER} \\\n`.repeat(5_000)}`, /^line 1: continued past 65536 characters/],
    ['deep/ganesha.conf', `EXPORT { ${'X { '.repeat(10_000)}${MARKER} = 1;`, /^line 1: blocks nest deeper than 16 levels$/],
    ['open/ganesha.conf', `EXPORT {\n  Path = /${MARKER};\n  CLIENT {\n`, /^line 3: block CLIENT is not closed \(ganesha refuses the file\)$/],
    ['quote/ganesha.conf', `EXPORT {\n  Path = "/${MARKER};\n}\n`, /^line 2: a quoted value is not closed \(ganesha refuses the file\)$/],
  ];
  for (const [name, content, problem] of cases) {
    it(name, () => {
      const file = `/tmp/hostile/${name}`;
      const r = audit({ [file]: content }, name === 'latin1' ? { kind: 'samba' } : {});
      const got = refusal(r, file);
      assert.match(got ?? 'audited', problem);
      assert.ok(!got!.includes(MARKER) && !got!.includes('\n'));
      assert.deepEqual(r.findings, []);
    });
  }
});
