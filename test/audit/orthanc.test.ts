/**
 * Orthanc's options, one by one: the setting that opens each hole gives its
 * finding at its line, the documented default gives it when absent, and the
 * fix makes it go away. Defaults are Orthanc 1.10.1's (`Orthanc --config=-`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { audit, ids, one, refusal, where } from './helpers.ts';

const F = '/etc/orthanc/orthanc.json';
const run = (options: Record<string, unknown>) => audit({ [F]: JSON.stringify(options, null, 2) });
/** Reachable from other hosts with a login that is not a default: only what the test adds shows. */
const REMOTE = { RemoteAccessAllowed: true, AuthenticationEnabled: true, SslEnabled: true, RegisteredUsers: { 'site-admin': 'S3cr3t-Value-1' },
  DicomTlsEnabled: true, DicomCheckCalledAet: true, DicomAet: 'RAD_7' };

describe('Orthanc defaults (1.10.1)', () => {
  it('an empty file: any called AE title answered, plain DICOM, and the HTTP API local only', () => {
    const r = run({});
    assert.deepEqual(ids(r), ['EXP-DICOM-002', 'EXP-DICOM-004']);
    assert.equal(where(one(r, 'EXP-DICOM-002')), 'absent DicomCheckCalledAet=false');
    assert.equal(where(one(r, 'EXP-DICOM-004')), 'absent DicomTlsEnabled=false');
    assert.deepEqual(r.files[0], { file: F, status: 'audited', kind: 'orthanc', notes: ['RemoteAccessAllowed is false: the HTTP API answers this machine only, web checks do not apply'] });
  });
});

describe('Orthanc DICOM options', () => {
  it('DicomCheckCalledAet false with echo allowed: EXP-DICOM-002 at its line; true or echo refused: none', () => {
    const r = audit({ [F]: '{\n  "DicomTlsEnabled": true,\n  "DicomCheckCalledAet" : false\n}' });
    assert.equal(where(one(r, 'EXP-DICOM-002')), '3:3 DicomCheckCalledAet');
    assert.match(one(r, 'EXP-DICOM-002').change, /"DicomCheckCalledAet": true/);
    assert.deepEqual(ids(run({ DicomTlsEnabled: true, DicomCheckCalledAet: true, DicomAet: 'RAD_7' })), []);
    assert.deepEqual(ids(run({ DicomTlsEnabled: true, DicomAlwaysAllowEcho: false })), []);
  });

  it('a checked called AE title that is a product default: EXP-DICOM-003, absent DicomAet meaning "ORTHANC"', () => {
    const r = run({ DicomTlsEnabled: true, DicomCheckCalledAet: true });
    assert.deepEqual(ids(r), ['EXP-DICOM-003']);
    assert.equal(where(one(r, 'EXP-DICOM-003')), 'absent DicomAet="ORTHANC"');
    assert.equal(where(one(run({ DicomTlsEnabled: true, DicomCheckCalledAet: true, DicomAet: 'PACS' }), 'EXP-DICOM-003')), '4:3 DicomAet');
  });

  it('no EXP-DICOM-003 when no unknown caller is admitted at all (every DicomAlwaysAllow* false)', () => {
    const closed = { DicomTlsEnabled: true, DicomCheckCalledAet: true, DicomAlwaysAllowEcho: false, DicomAlwaysAllowStore: false };
    assert.deepEqual(ids(run(closed)), []);
  });

  it('DicomAlwaysAllowFind: EXP-DICOM-001, EXP-DICOM-005 while the archive is empty; false: none', () => {
    const f = one(run({ DicomTlsEnabled: true, DicomCheckCalledAet: true, DicomAet: 'RAD_7', DicomAlwaysAllowFind: true }), 'EXP-DICOM-001');
    assert.equal(f.severity, 'critical');
    assert.deepEqual(f.dependsOnContent, { whenEmpty: 'EXP-DICOM-005' });
    assert.match(f.change, /"DicomAlwaysAllowFind": false/);
    assert.deepEqual(ids(run({ DicomTlsEnabled: true, DicomCheckCalledAet: true, DicomAet: 'RAD_7', DicomAlwaysAllowFind: false })), []);
  });

  it('DicomAlwaysAllowGet and DicomAlwaysAllowMove: the configuration-only EXP-CONF-001 and EXP-CONF-002', () => {
    const base = { DicomTlsEnabled: true, DicomCheckCalledAet: true, DicomAet: 'RAD_7' };
    assert.deepEqual(ids(run({ ...base, DicomAlwaysAllowGet: true, DicomAlwaysAllowMove: true })), ['EXP-CONF-001', 'EXP-CONF-002']);
    assert.equal(one(run({ ...base, DicomAlwaysAllowGet: true }), 'EXP-CONF-001').severity, 'critical');
  });

  it('DicomModalities recognised by AE title only: EXP-CONF-003 at DicomCheckModalityHost; with the check on, only wildcard hosts', () => {
    const base = { DicomTlsEnabled: true, DicomCheckCalledAet: true, DicomAet: 'RAD_7' };
    const peers = { ct: ['CT1', '10.0.0.5', 104] };
    const r = run({ ...base, DicomModalities: peers });
    assert.equal(where(one(r, 'EXP-CONF-003')), 'absent DicomCheckModalityHost=false');
    assert.match(one(r, 'EXP-CONF-003').cause, /^1 DicomModalities entry is/);
    assert.deepEqual(ids(run({ ...base, DicomModalities: peers, DicomCheckModalityHost: true })), []);
    const wild = run({ ...base, DicomCheckModalityHost: true, DicomModalities: { any: ['ANY1', '*', 104], obj: { AET: 'X', Host: '0.0.0.0', Port: 104 }, ok: ['OK', '10.0.0.6', 104] } });
    assert.deepEqual(wild.findings.map(where), ['7:5 DicomModalities["any"] host', '12:5 DicomModalities["obj"] host']);
  });

  it('peers kept in the database are not audited, and the owner is told', () => {
    const r = run({ DicomTlsEnabled: true, DicomCheckCalledAet: true, DicomAet: 'RAD_7', DicomModalitiesInDatabase: true, DicomModalities: { ct: ['CT1', '*', 104] } });
    assert.deepEqual(ids(r), []);
    assert.match(r.files[0]!.status === 'audited' ? r.files[0]!.notes.join() : '', /DicomModalitiesInDatabase is true/);
  });

  it('DicomServerEnabled false: no DICOM finding at all', () => {
    assert.deepEqual(ids(run({ DicomServerEnabled: false, DicomAlwaysAllowFind: true })), []);
  });
});

describe('Orthanc HTTP options', () => {
  it('remote access with authentication off: REST, Orthanc Explorer and plain HTTP, all at AuthenticationEnabled', () => {
    const r = run({ ...REMOTE, AuthenticationEnabled: false, SslEnabled: false });
    assert.deepEqual(ids(r), ['EXP-TLS-003', 'EXP-WEB-002', 'EXP-WEB-007']);
    assert.equal(where(one(r, 'EXP-WEB-002')), '3:3 AuthenticationEnabled');
    assert.deepEqual(one(r, 'EXP-WEB-002').dependsOnContent, { whenEmpty: 'EXP-WEB-003' });
    assert.equal(where(one(r, 'EXP-TLS-003')), '4:3 SslEnabled');
  });

  it('QIDO-RS open (EXP-WEB-001) only when the DICOMweb plugin is loaded and enabled', () => {
    const open = { ...REMOTE, AuthenticationEnabled: false };
    assert.ok(ids(run({ ...open, Plugins: ['/usr/share/orthanc/plugins/libOrthancDicomWeb.so'] })).includes('EXP-WEB-001'));
    assert.ok(ids(run({ ...open, Plugins: ['/usr/share/orthanc/plugins'], DicomWeb: { Root: '/dicom-web/' } })).includes('EXP-WEB-001'));
    assert.ok(!ids(run({ ...open, Plugins: ['/usr/share/orthanc/plugins'] })).includes('EXP-WEB-001'), 'a plugin folder alone: no DicomWeb section');
    assert.ok(!ids(run({ ...open, Plugins: ['libOrthancDicomWeb.so'], DicomWeb: { Enable: false } })).includes('EXP-WEB-001'));
  });

  it('AuthenticationEnabled absent follows RemoteAccessAllowed (1.5.8+): with no user, Orthanc creates orthanc/orthanc', () => {
    const r = run({ RemoteAccessAllowed: true, SslEnabled: true, DicomTlsEnabled: true });
    assert.deepEqual(ids(r), ['EXP-DICOM-002', 'EXP-WEB-004']);
    assert.equal(where(one(r, 'EXP-WEB-004')), 'absent RegisteredUsers=no users');
    assert.match(one(r, 'EXP-WEB-004').cause, /1\.5\.8 to 1\.12\.8 then creates the documented default user "orthanc"/);
    const empty = run({ RemoteAccessAllowed: true, SslEnabled: true, DicomTlsEnabled: true, RegisteredUsers: {} });
    assert.equal(where(one(empty, 'EXP-WEB-004')), '5:3 RegisteredUsers');
  });

  it('RegisteredUsers with a vendor default or a blank password: EXP-WEB-004; a site account: nothing', () => {
    for (const [user, password] of [['orthanc', 'orthanc'], ['alice', 'alicePassword']] as const) {
      const f = one(run({ ...REMOTE, RegisteredUsers: { [user]: password } }), 'EXP-WEB-004');
      assert.match(f.cause, new RegExp(`documented default account "${user}"`));
    }
    const blank = one(run({ ...REMOTE, RegisteredUsers: { 'ward-7-login': '' } }), 'EXP-WEB-004');
    assert.equal(blank.cause, 'RegisteredUsers holds an account with a blank password.');
    assert.deepEqual(ids(run(REMOTE)), []);
  });

  it('never prints a site user name or any password', () => {
    const r = run({ ...REMOTE, RegisteredUsers: { 'ward-7-login': '', 'site-admin': 'S3cr3t-Value-1', orthanc: 'orthanc' } });
    const text = JSON.stringify(r);
    for (const secret of ['ward-7-login', 'site-admin', 'S3cr3t-Value-1']) assert.ok(!text.includes(secret), secret);
    assert.equal(r.findings.length, 2);
  });

  it('a login over plain HTTP: EXP-WEB-005 and EXP-TLS-003 at SslEnabled; SSL with TLS 1.0 allowed: EXP-TLS-004', () => {
    assert.deepEqual(ids(run({ ...REMOTE, SslEnabled: false })), ['EXP-TLS-003', 'EXP-WEB-005']);
    const old = run({ ...REMOTE, SslMinimumProtocolVersion: 2 });
    assert.equal(where(one(old, 'EXP-TLS-004')), '11:3 SslMinimumProtocolVersion');
  });

  it('RemoteAccessAllowed false or HttpServerEnabled false: no web finding, even with authentication off', () => {
    assert.deepEqual(ids(run({ DicomTlsEnabled: true, DicomCheckCalledAet: true, DicomAet: 'X1', AuthenticationEnabled: false })), []);
    assert.deepEqual(ids(run({ ...REMOTE, AuthenticationEnabled: false, HttpServerEnabled: false })), []);
  });
});

describe('Orthanc files Orthanc itself would refuse', () => {
  it('an option of the wrong type, named with its file and line (never its value)', () => {
    const r = audit({ [F]: '{\n  "DicomCheckCalledAet": "yes-secret"\n}' });
    assert.equal(refusal(r, F), `${F} line 2, column 3: DicomCheckCalledAet must be true or false (Orthanc refuses to start otherwise)`);
    assert.deepEqual(r.findings, []);
  });

  it('a RegisteredUsers password that is not a string', () => {
    assert.match(refusal(run({ ...REMOTE, RegisteredUsers: { a: 1 } }), F) ?? '', /each RegisteredUsers password must be a string/);
  });
});

describe('an Orthanc folder, read as one configuration', () => {
  const main = '/etc/orthanc/orthanc.json';
  const web = '/etc/orthanc/dicomweb.json';

  it('merges the files: a finding points at the file holding the setting, defaults at the first file', () => {
    const r = audit({
      [main]: JSON.stringify({ RemoteAccessAllowed: true, AuthenticationEnabled: false, SslEnabled: true, DicomTlsEnabled: true, DicomCheckCalledAet: true, DicomAet: 'RAD_7' }),
      [web]: '{\n  "Plugins" : [ "/usr/share/orthanc/plugins" ],\n  "DicomWeb" : { "Enable" : true }\n}\n',
    });
    assert.deepEqual(ids(r), ['EXP-WEB-001', 'EXP-WEB-002', 'EXP-WEB-007']);
    assert.ok(r.findings.every((f) => f.place.file === main));
    assert.deepEqual(r.files.map((f) => f.status), ['audited', 'audited']);
  });

  it('refuses a folder defining an option twice, as Orthanc does', () => {
    const r = audit({ [main]: '{ "DicomAet": "A1" }', [web]: '{ "DicomAet": "A2" }' });
    assert.equal(refusal(r, web), `DicomAet is set in both ${main} and ${web} (Orthanc refuses a folder defining an option twice)`);
    assert.equal(refusal(r, main), refusal(r, web));
  });

  it('a broken file makes the whole folder unaudited, each file saying why', () => {
    const r = audit({ [main]: '{ "DicomAet": "A1" }', [web]: '{ "Plugins": [ }' });
    assert.match(refusal(r, web) ?? '', /^line 1, column 16: invalid JSON/);
    assert.equal(refusal(r, main), `not audited: ${web} in the same folder is refused, and Orthanc reads a folder as one configuration`);
  });

  it('files of different folders are different configurations', () => {
    const r = audit({ '/srv/a/orthanc.json': '{ "DicomAet": "A1" }', '/srv/b/orthanc.json': '{ "DicomAet": "A1" }' });
    assert.deepEqual(r.files.map((f) => f.status), ['audited', 'audited']);
    assert.equal(r.findings.filter((f) => f.ruleId === 'EXP-DICOM-002').length, 2);
  });
});
