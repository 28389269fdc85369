/** nfs-ganesha's configuration read as ganesha reads it, and the EXPORT blocks that open an export to every client. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ganeshaConfig } from '../../src/lab/nfs-ganesha.ts';
import { audit, ids, one, refusal, where } from './helpers.ts';

const F = '/etc/ganesha/ganesha.conf';
const run = (...lines: string[]) => audit({ [F]: `${lines.join('\n')}\n` });
const exportBlock = (...inner: string[]) => ['EXPORT {', '  Export_Id = 1;', '  Path = /srv/pacs;', '  Pseudo = /pacs;', ...inner.map((l) => `  ${l}`), '  FSAL { Name = VFS; }', '}'];

describe('ganesha.conf checks', () => {
  it('Access_Type = RO on the EXPORT with no CLIENT block: EXP-NAS-013 there (EXP-NAS-003 while empty) and EXP-NAS-014', () => {
    const r = run(...exportBlock('Access_Type = RO;'));
    assert.deepEqual(ids(r), ['EXP-NAS-013', 'EXP-NAS-014']);
    assert.equal(where(one(r, 'EXP-NAS-013')), '5:3 Access_Type');
    assert.deepEqual(one(r, 'EXP-NAS-013').dependsOnContent, { whenEmpty: 'EXP-NAS-003' });
    assert.equal(where(one(r, 'EXP-NAS-014')), '1:1 EXPORT');
  });

  it('Access_Type defaults to None: an EXPORT without it grants nothing', () => {
    assert.deepEqual(ids(run(...exportBlock())), ['EXP-NAS-014']);
  });

  it('a CLIENT block grants only the clients it names; Clients = * grants everyone, at its Clients line', () => {
    assert.deepEqual(ids(run(...exportBlock('Access_Type = None;', 'CLIENT { Clients = 10.1.0.0/16, pacs.example.org; Access_Type = RO; }'))), ['EXP-NAS-014']);
    const r = run(...exportBlock('CLIENT {', '  Clients = "*";', '  Access_Type = RW;', '}'));
    assert.deepEqual(ids(r), ['EXP-CONF-005', 'EXP-NAS-013', 'EXP-NAS-014']);
    assert.equal(where(one(r, 'EXP-NAS-013')), '6:5 Clients');
    assert.equal(where(one(r, 'EXP-CONF-005')), '7:5 Access_Type');
  });

  it('the first CLIENT block naming a client decides for it: a later "*" block does not widen an earlier one', () => {
    const r = run(...exportBlock('CLIENT { Clients = 0.0.0.0/0; Access_Type = None; }', 'CLIENT { Clients = *; Access_Type = RW; }'));
    assert.deepEqual(ids(r), ['EXP-NAS-014']);
  });

  it('EXPORT_DEFAULTS supply what the EXPORT leaves out; names and values in any case', () => {
    const r = run('export_defaults { access_type = ro; squash = No_Root_Squash; }', ...exportBlock());
    assert.deepEqual(ids(r), ['EXP-CONF-006', 'EXP-NAS-013', 'EXP-NAS-014']);
    assert.equal(where(one(r, 'EXP-CONF-006')), '1:37 squash');
  });

  it('Squash none or its synonyms: EXP-CONF-006 for the clients of that block only', () => {
    const r = run(...exportBlock('Access_Type = None;', 'CLIENT { Clients = backup.example.org; Access_Type = RW; Squash = noidsquash; }'));
    assert.deepEqual(ids(r), ['EXP-CONF-006', 'EXP-NAS-014']);
    assert.match(one(r, 'EXP-CONF-006').cause, /the clients it names \(the CLIENT block on line 6\)/);
    assert.deepEqual(ids(run(...exportBlock('Access_Type = None;', 'CLIENT { Clients = h; Access_Type = RW; Squash = all_squash; }'))), ['EXP-NAS-014']);
  });

  it('SecType = krb5p only is not open (noted); with sys it is', () => {
    const r = run(...exportBlock('Access_Type = RO;', 'SecType = krb5p;'));
    assert.deepEqual(ids(r), ['EXP-NAS-014']);
    const o = r.files[0]!;
    assert.ok(o.status === 'audited' && o.notes.some((n) => /only with Kerberos/.test(n)));
    assert.deepEqual(ids(run(...exportBlock('Access_Type = RO;', 'SecType = krb5p, sys;'))), ['EXP-NAS-013', 'EXP-NAS-014']);
  });

  it('an export served over 9P only is not an NFS export', () => {
    assert.deepEqual(ids(run(...exportBlock('Access_Type = RO;', 'Protocols = 9P;'))), []);
  });

  it('comments, quoted values, %include noted; never a path or host in a message', () => {
    const r = run('%include "/etc/ganesha/PLANTED.conf"', '# EXPORT { Access_Type = RW; }', ...exportBlock('Access_Type = "RO"; # read-only', 'CLIENT { Clients = PLANTED-host; Access_Type = RW; }'));
    assert.deepEqual(ids(r), ['EXP-NAS-013', 'EXP-NAS-014']);
    const o = r.files[0]!;
    assert.ok(o.status === 'audited' && o.notes.some((n) => /^line 1: %include is not followed/.test(n)));
    assert.ok(!JSON.stringify(r.findings).includes('PLANTED') && !JSON.stringify(r.findings).includes('/srv/pacs'));
  });

  it('the lab\'s own file: the open export found, the one limited to a client not', () => {
    const text = ganeshaConfig({ ip: '127.0.104.9', exports: [{ id: 1, path: '/srv/a', pseudo: '/images' }, { id: 2, path: '/srv/b', pseudo: '/radiology', clients: ['127.0.104.99'] }] });
    const r = audit({ [F]: text });
    assert.deepEqual(ids(r), ['EXP-NAS-013', 'EXP-NAS-014']);
    assert.match(one(r, 'EXP-NAS-014').cause, /its 2 exports/);
  });
});

describe('ganesha.conf files ganesha refuses', () => {
  it('a bad enum value, a missing ";", a stray "}", a parameter outside any block', () => {
    assert.equal(refusal(run(...exportBlock('Access_Type = ReadWrite;')), F), 'line 5: Access_Type must be one of none, ro, rw, mdonly, mdonly_ro (ganesha rejects the export)');
    assert.equal(refusal(run(...exportBlock('Squash = sometimes;')), F), 'line 5: Squash must be one of root, root_squash, rootsquash, rootid, root_id_squash, rootidsquash, all, all_squash, allsquash, all_anonymous, allanonymous, no_root_squash, none, noidsquash (ganesha rejects the export)');
    assert.equal(refusal(run(...exportBlock('Access_Type = RO', 'Squash = root_squash;')), F), 'line 6: expected "," or ";" after the value of Access_Type (ganesha refuses the file)');
    assert.equal(refusal(run('}'), F), 'line 1: a "}" closes no block (ganesha refuses the file)');
    assert.equal(refusal(run('Access_Type = RW;'), F), 'line 1: "Access_Type" is neither a block nor a parameter inside one (ganesha refuses the file)');
    assert.equal(refusal(run(...exportBlock('SecType = sys, PLANTED;')), F), 'line 5: SecType names a flavour other than none, sys, krb5, krb5i, krb5p (ganesha rejects the export)');
  });

  it('a quoted value where a name belongs is refused without its text', () => {
    const problem = refusal(run('EXPORT { Export_Id = 1; }', '"/srv/PLANTED-SECRET" = 1;'), F);
    assert.equal(problem, 'line 2: expected a block or parameter name, found a quoted value (ganesha refuses the file)');
    assert.doesNotMatch(problem ?? '', /PLANTED/);
    assert.equal(refusal(run('= 1;'), F), 'line 1: expected a block or parameter name, found "=" (ganesha refuses the file)');
  });
});
