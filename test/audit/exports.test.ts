/** /etc/exports read as exportfs reads it (exports(5)), and the entries that open an export to every host. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { audit, ids, one, refusal, where } from './helpers.ts';

const F = '/etc/exports';
const run = (...lines: string[]) => audit({ [F]: `${lines.join('\n')}\n` });
const at = (r: ReturnType<typeof run>, id: string): string[] => r.findings.filter((f) => f.ruleId === id).map(where);

describe('/etc/exports checks', () => {
  it('"*" read-only: EXP-NAS-013 at the client (EXP-NAS-003 while it holds no images) and the export list EXP-NAS-014', () => {
    const r = run('# PACS', '/srv/pacs *(ro,sync,no_subtree_check)');
    assert.deepEqual(ids(r), ['EXP-NAS-013', 'EXP-NAS-014']);
    assert.equal(where(one(r, 'EXP-NAS-013')), '2:11 client "*"');
    assert.deepEqual(one(r, 'EXP-NAS-013').dependsOnContent, { whenEmpty: 'EXP-NAS-003' });
    assert.equal(where(one(r, 'EXP-NAS-014')), '2:1 export');
  });

  it('every host also by a /0 network, an option list after a space, or no client at all', () => {
    assert.deepEqual(at(run('/a 0.0.0.0/0(ro)'), 'EXP-NAS-013'), ['1:4 client "0.0.0.0/0"']);
    assert.deepEqual(at(run('/a pacs.example.org (ro)'), 'EXP-NAS-013'), ['1:21 option list after a space, with no client']);
    assert.deepEqual(at(run('/a'), 'EXP-NAS-013'), ['1:1 no client named']);
  });

  it('named hosts, networks, wildcards of names and netgroups are limits: only EXP-NAS-014', () => {
    assert.deepEqual(ids(run('/a 10.1.0.0/16(ro) *.example.org(ro) @pacs(rw) host1 2001:db8::/64(ro)')), ['EXP-NAS-014']);
  });

  it('rw for every host: EXP-CONF-005 at "rw"; "-rw" as the line\'s default counts too', () => {
    assert.deepEqual(at(run('/a *(rw,sync)'), 'EXP-CONF-005'), ['1:6 rw']);
    assert.deepEqual(at(run('/a -rw,sync 10.0.0.0/8 *'), 'EXP-CONF-005'), ['1:5 rw']);
    assert.deepEqual(ids(run('/a -rw 10.0.0.0/8 *(ro)')), ['EXP-NAS-013', 'EXP-NAS-014'], 'the client\'s own ro overrides the default');
  });

  it('no_root_squash: EXP-CONF-006 for any client, unless all_squash maps every id', () => {
    const r = run('/a backup.example.org(rw,no_root_squash)');
    assert.deepEqual(at(r, 'EXP-CONF-006'), ['1:26 no_root_squash']);
    assert.match(one(r, 'EXP-CONF-006').cause, /the clients it names/);
    assert.deepEqual(ids(run('/a host(rw,no_root_squash,all_squash)')), ['EXP-NAS-014']);
    assert.match(one(run('/a *(ro,no_root_squash)'), 'EXP-CONF-006').cause, /every client/);
  });

  it('sec= with Kerberos only is not open; sys among the flavours is', () => {
    assert.deepEqual(ids(run('/a *(ro,sec=krb5p)')), ['EXP-NAS-014']);
    assert.deepEqual(ids(run('/a *(ro,sec=krb5p:sys)')), ['EXP-NAS-013', 'EXP-NAS-014']);
  });

  it('"insecure" is named in the cause', () => {
    assert.match(one(run('/a *(ro,insecure)'), 'EXP-NAS-013').cause, /"insecure" admits requests from any source port/);
  });

  it('continued lines, comments, quoted paths with spaces; never a path or host in a message', () => {
    const r = run('"/srv/PLANTED path" \\', '  pacs-host-PLANTED(ro) # comment *(rw)', '', '/b *(ro)');
    assert.deepEqual(at(r, 'EXP-NAS-013'), ['4:4 client "*"']);
    assert.ok(!JSON.stringify(r.findings).includes('PLANTED'));
  });
});

describe('/etc/exports entries exportfs refuses', () => {
  it('a relative path, an unclosed option list or quote, an unknown sec= flavour', () => {
    assert.equal(refusal(run('srv *(ro)'), F), 'line 1: an export path must be absolute (exportfs refuses the entry)');
    assert.equal(refusal(run('/a *(ro'), F), 'line 1, column 4: an option list is not closed by ")" (exportfs refuses the entry)');
    assert.equal(refusal(run('"/a *(ro)'), F), 'line 1: a double quote is not closed (exportfs refuses the entry)');
    assert.equal(refusal(run('/a *(sec=PLANTED)'), F), 'line 1: sec= names a flavour other than sys, krb5, krb5i, krb5p, none (exportfs refuses the entry)');
  });
});
