/** smb.conf read by Samba's rules (checked against testparm 4.17), and the settings that open guest access. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_AUDIT_LIMITS } from '../../src/audit/limits.ts';
import { parseSmbConf } from '../../src/audit/smb-conf.ts';
import { configText } from '../../src/audit/text.ts';
import { audit, ids, one, refusal, where } from './helpers.ts';

const F = '/etc/samba/smb.conf';
const HARDENED = ['[global]', 'server signing = mandatory', 'restrict anonymous = 2', 'server smb encrypt = required'];
const run = (...lines: string[]) => audit({ [F]: `${lines.join('\n')}\n` });

function parse(text: string) {
  const t = configText(Buffer.from(text), DEFAULT_AUDIT_LIMITS);
  assert.ok(t.ok);
  return parseSmbConf(t.value, DEFAULT_AUDIT_LIMITS);
}

describe('parseSmbConf, Samba\'s INI rules', () => {
  it('folds case and all whitespace in names, joins continued lines, never continues a comment', () => {
    const c = parse('[Global]\n  Guest   OK=   yes\nread \\\n only = no\n# comment \\\nbrowseable = no\n');
    const p = c.global.parameters;
    assert.deepEqual([...p.keys()], ['guestok', 'readonly', 'browseable']);
    assert.deepEqual({ ...p.get('readonly')!, name: undefined }, { name: undefined, written: 'read  only', value: 'no', line: 3, column: 1 });
    assert.equal(p.get('guestok')!.column, 3);
  });

  it('parameters before any section are global; a section named twice (in any case) is one section', () => {
    const c = parse('map to guest = Bad User\n[scans]\npath = /a\n[SCANS]\ncomment = x\n');
    assert.equal(c.global.parameters.get('maptoguest')?.value, 'Bad User');
    assert.deepEqual(c.shares.map((s) => [s.name, [...s.parameters.keys()]]), [['scans', ['path', 'comment']]]);
  });

  it('resolves synonyms: public → guest ok, writable/writeable/write ok → read only inverted, smb encrypt', () => {
    const c = parse('[s]\npublic = true\nwritable = yes\nsmb encrypt = required\n');
    const s = c.shares[0]!.parameters;
    assert.equal(s.get('guestok')?.value, 'true');
    assert.equal(s.get('readonly')?.value, 'no');
    assert.equal(s.get('readonly')?.written, 'writable');
    assert.equal(s.get('serversmbencrypt')?.value, 'required');
  });

  it('notes lines Samba ignores and includes it does not follow', () => {
    const c = parse('[global]\nthis is not a parameter\ninclude = /etc/samba/%m.conf\n');
    assert.deepEqual(c.notes, ['line 2 is neither a section nor "name = value": Samba ignores it', 'line 3: include is not followed: audit that file as well']);
  });
});

describe('smb.conf checks', () => {
  it('a hardened server with no guest share: nothing', () => {
    assert.deepEqual(ids(run(...HARDENED, '[radiology]', 'path = /srv/r', 'valid users = @rad')), []);
  });

  it('Samba\'s defaults: signing, share listing and encryption not required, each at its absent setting', () => {
    const r = run('[radiology]', 'path = /srv/r');
    assert.deepEqual(r.findings.map((f) => `${f.ruleId} ${where(f)}`).sort(), [
      'EXP-CONF-004 absent server smb encrypt="default", which is if_required: offered, not required',
      'EXP-NAS-005 absent server signing="default": required only on an AD domain controller',
      'EXP-NAS-007 absent restrict anonymous=0',
    ]);
  });

  it('a guest share (guest ok or public): EXP-NAS-002 at that line, EXP-NAS-003 while it holds no images', () => {
    const r = run(...HARDENED, '[scans]', 'path = /srv/scans', 'public = yes');
    const f = one(r, 'EXP-NAS-002');
    assert.equal(where(f), '7:1 public');
    assert.deepEqual(f.dependsOnContent, { whenEmpty: 'EXP-NAS-003' });
    assert.match(f.cause, /^Share \[scans\] is a guest share: anonymous and guest sessions open it with no password\.$/);
    assert.match(one(run('[global]', 'map to guest = Bad User', '[scans]', 'guest ok = yes'), 'EXP-NAS-002').cause, /"map to guest = Bad User" turns any unknown user name into a guest/);
    assert.match(one(run('[global]', 'map to guest = bad password', '[scans]', 'guest ok = yes'), 'EXP-NAS-002').cause, /turns any wrong password into a guest login\.$/);
  });

  it('guest ok in [global] is every share\'s default: one finding at the global line', () => {
    const r = run(...HARDENED, 'guest ok = yes', '[a]', 'path = /a', '[b]', 'path = /b', '[c]', 'path = /c', 'guest ok = no');
    assert.deepEqual(r.findings.map((f) => `${f.ruleId} ${where(f)}`), ['EXP-NAS-002 5:1 guest ok']);
  });

  it('printable and unavailable shares are not file shares', () => {
    assert.deepEqual(ids(run(...HARDENED, '[printers]', 'printable = yes', 'guest ok = yes', '[off]', 'available = no', 'guest ok = yes')), []);
  });

  it('a writable guest share: EXP-NAS-004 at the writable line', () => {
    const r = run(...HARDENED, '[drop]', 'guest ok = yes', 'writeable = yes');
    assert.equal(where(one(r, 'EXP-NAS-004')), '7:1 writeable');
    assert.deepEqual(ids(run(...HARDENED, '[drop]', 'guest ok = no', 'read only = no')), [], 'writable for its users only');
  });

  it('signing: mandatory and its synonyms close EXP-NAS-005; yes/auto do not; an AD DC requires it by default', () => {
    for (const v of ['mandatory', 'required', 'Forced']) assert.ok(!ids(run('[global]', `server signing = ${v}`)).includes('EXP-NAS-005'), v);
    for (const v of ['yes', 'auto', 'disabled']) assert.equal(where(one(run('[global]', `server signing = ${v}`), 'EXP-NAS-005')), '2:1 server signing', v);
    assert.ok(!ids(run('[global]', 'server role = active directory domain controller')).includes('EXP-NAS-005'));
  });

  it('restrict anonymous below 2 leaves the share list open; 2 closes it', () => {
    assert.equal(where(one(run('[global]', 'restrict anonymous = 1'), 'EXP-NAS-007')), '2:1 restrict anonymous');
    assert.ok(!ids(run('[global]', 'restrict anonymous = 2')).includes('EXP-NAS-007'));
  });

  it('encryption required on every share is as good as globally', () => {
    assert.ok(!ids(run('[global]', '[a]', 'smb encrypt = required', '[b]', 'server smb encrypt = mandatory')).includes('EXP-CONF-004'));
    assert.ok(ids(run('[global]', '[a]', 'smb encrypt = required', '[b]', 'path = /b')).includes('EXP-CONF-004'));
  });
});

describe('smb.conf files smbd refuses, and hostile ones', () => {
  it('a value that is not a boolean (smbd: "Error loading services")', () => {
    assert.equal(refusal(run('[s]', 'guest ok = maybe'), F), 'line 2: guest ok is not a boolean (yes/no, true/false, on/off, 1/0): smbd refuses the file');
  });

  it('a section without its "]" and a restrict anonymous that is not a number', () => {
    assert.equal(refusal(run('[scans', 'path = /a'), F), 'line 1: a section name without its closing "]"');
    assert.equal(refusal(run('[global]', 'restrict anonymous = all'), F), 'line 2: restrict anonymous must be 0, 1 or 2');
  });

  it('endless continuation lines: refused at the line where it starts, past the line cap', () => {
    const text = `[global]\ncomment = start \\\n${'more text \\\n'.repeat(10_000)}`;
    assert.equal(refusal(audit({ [F]: text }), F), 'line 2: continued past 65536 characters (a backslash ends every line)');
  });
});
