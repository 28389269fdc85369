/** rsyncd.conf read as rsync's daemon reads it, and the settings that open a module to anyone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { audit, ids, one, refusal, where } from './helpers.ts';

const F = '/etc/rsyncd.conf';
const run = (...lines: string[]) => audit({ [F]: `${lines.join('\n')}\n` });
const notes = (r: ReturnType<typeof run>): readonly string[] => {
  const o = r.files[0]!;
  return o.status === 'audited' ? o.notes : [];
};

describe('rsyncd.conf checks', () => {
  it('a module without "auth users": EXP-NAS-011 (EXP-NAS-003 while it holds no images) and the module list EXP-NAS-012', () => {
    const r = run('uid = nobody', '[images]', 'path = /srv/images');
    assert.deepEqual(ids(r), ['EXP-NAS-011', 'EXP-NAS-012']);
    const f = one(r, 'EXP-NAS-011');
    assert.equal(where(f), 'absent auth users of [images]=none (no user name or secret asked)');
    assert.deepEqual(f.dependsOnContent, { whenEmpty: 'EXP-NAS-003' });
    assert.match(f.cause, /holds DICOM files if the scan found them/);
    assert.equal(where(one(r, 'EXP-NAS-012')), 'absent list of [images]=yes');
  });

  it('"auth users" closes the module; "list = no" in the global section hides every module', () => {
    assert.deepEqual(ids(run('[r]', 'path = /r', 'auth users = radiologist', 'secrets file = /etc/rsyncd.secrets')), ['EXP-NAS-012']);
    assert.deepEqual(ids(run('list = no', '[r]', 'path = /r', 'auth users = radiologist')), []);
    const r = run('list = false', '[a]', 'path = /a', '[b]', 'path = /b', 'List = yes');
    assert.equal(where(one(r, 'EXP-NAS-012')), '6:1 List');
    assert.match(one(r, 'EXP-NAS-012').cause, /module \[b\] /);
  });

  it('"auth users" in the global section is every module\'s; an empty one asks nothing', () => {
    assert.deepEqual(ids(run('auth users = backup', 'list = no', '[a]', 'path = /a')), []);
    const r = run('list = no', '[a]', 'path = /a', 'auth users =');
    assert.equal(where(one(r, 'EXP-NAS-011')), '4:1 auth users');
  });

  it('"read only = no" on an anonymous module: EXP-NAS-004 at that line, root named when uid is root', () => {
    const r = run('list = no', '[drop]', 'path = /drop', 'read only = no', 'uid = root');
    assert.equal(where(one(r, 'EXP-NAS-004')), '4:1 read only');
    assert.match(one(r, 'EXP-NAS-004').cause, /as root/);
    assert.deepEqual(ids(run('list = no', 'read only = false', '[drop]', 'path = /drop', 'auth users = u')), [], 'uploads by a named user are not anonymous');
  });

  it('"write only = yes": nothing to download, so no EXP-NAS-011, but uploads remain EXP-NAS-004', () => {
    assert.deepEqual(ids(run('list = no', '[in]', 'path = /in', 'write only = yes', 'read only = no')), ['EXP-NAS-004']);
  });

  it('"hosts allow" naming networks removes the module\'s findings, with a note; "*" or 0.0.0.0/0 does not', () => {
    const limited = run('list = no', '[a]', 'path = /a', 'hosts allow = 10.1.0.0/16, pacs.example.org');
    assert.deepEqual(ids(limited), []);
    assert.match(notes(limited).join('\n'), /module \[a\] asks no secret, but "hosts allow"\/"hosts deny" admit only the hosts they list/);
    assert.deepEqual(ids(run('list = no', '[a]', 'path = /a', 'hosts allow = 10.0.0.0/8 *')), ['EXP-NAS-011']);
    assert.deepEqual(ids(run('list = no', 'hosts allow = 0.0.0.0/0', '[a]', 'path = /a')), ['EXP-NAS-011']);
  });

  it('"hosts deny" follows rsync: alone, "*" closes; with an allow list, a host matching neither is admitted', () => {
    assert.deepEqual(ids(run('list = no', '[a]', 'path = /a', 'hosts deny = *')), []);
    assert.deepEqual(ids(run('list = no', '[a]', 'path = /a', 'hosts deny = 192.0.2.0/24')), ['EXP-NAS-011']);
    assert.deepEqual(ids(run('list = no', '[a]', 'path = /a', 'hosts allow = 10.0.0.0/8', 'hosts deny = *')), []);
    assert.deepEqual(ids(run('list = no', '[a]', 'path = /a', 'hosts allow = 10.0.0.0/8', 'hosts deny = 192.0.2.1')), ['EXP-NAS-011']);
  });

  it('names ignore case and spaces, a module named twice is one, a module without "path" is noted and left out', () => {
    assert.deepEqual(ids(run('List=No', '[a]', 'path = /a', '[A]', 'AuthUsers = u')), []);
    const r = run('[nopath]', 'comment = nothing');
    assert.deepEqual(ids(r), []);
    assert.match(notes(r).join('\n'), /module \[nopath\] has no "path": rsync refuses every connection to it/);
  });

  it('"&include" and "&merge" are noted, not followed', () => {
    assert.match(notes(run('&include /etc/rsyncd.d', 'list = no')).join('\n'), /^line 1: &include is not followed/);
  });

  it('never reads or prints the secrets file, only names the setting', () => {
    const r = run('[r]', 'path = /r', 'auth users = radiologist', 'secrets file = /etc/PLANTED-secret-path');
    assert.ok(!JSON.stringify(r).includes('radiologist'));
  });
});

describe('rsyncd.conf files rsync refuses', () => {
  it('a boolean rsync does not know (on/off are Samba\'s, not rsync\'s)', () => {
    assert.equal(refusal(run('[a]', 'path = /a', 'read only = off'), F), 'line 3: read only is not a boolean (yes/no, true/false, 1/0): rsync refuses the file');
    assert.equal(refusal(run('list = maybe', '[a]', 'path = /a'), F), 'line 1: list is not a boolean (yes/no, true/false, 1/0): rsync refuses the file');
  });

  it('a section without its closing bracket', () => {
    assert.equal(refusal(run('[images', 'path = /a'), F), 'line 1: a section name without its closing "]"');
  });
});
