/** dcmqrscp.cfg read as DCMTK 3.6.7 reads it, and the AETable rows that open holes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dcmtkTokens } from '../../src/audit/dcmqrscp.ts';
import { audit, ids, one, refusal, where } from './helpers.ts';

const F = '/etc/dcmtk/dcmqrscp.cfg';

function cfg(aeRows: string[], hostRows: string[] = [], head: string[] = []): string {
  return [
    '# site archive',
    'NetworkTCPPort  = 11112',
    'MaxPDUSize      = 16384',
    'MaxAssociations = 16',
    ...head,
    'HostTable BEGIN',
    ...hostRows,
    'HostTable END',
    'VendorTable BEGIN',
    'VendorTable END',
    'AETable BEGIN',
    ...aeRows,
    'AETable END',
    '',
  ].join('\n');
}

describe('dcmtkTokens, DCMTK\'s parsevalues', () => {
  it('splits on whitespace, "=" and ",", with "…", \'…\' and (…) quoting', () => {
    assert.deepEqual(
      dcmtkTokens('ARCHIVE  /var/lib/dcmtk/db  RW  (200, 1024mb)  ANY').map((t) => [t.text, t.column]),
      [['ARCHIVE', 1], ['/var/lib/dcmtk/db', 10], ['RW', 29], ['200, 1024mb', 33], ['ANY', 48]],
    );
    assert.deepEqual(dcmtkTokens('acme1 = (ACME1, acmehost1, 5678), "two words"').map((t) => t.text), ['acme1', 'ACME1, acmehost1, 5678', 'two words']);
  });
});

describe('dcmqrscp.cfg checks', () => {
  it('peers ANY with read access: EXP-DICOM-001 at the peers column; plain DICOM always (no TLS in dcmqrscp)', () => {
    const r = audit({ [F]: cfg(['RAD_ARCH_7  /srv/db  RW  (200, 1024mb)  ANY']) });
    assert.deepEqual(ids(r), ['EXP-DICOM-001', 'EXP-DICOM-004']);
    assert.equal(where(one(r, 'EXP-DICOM-001')), '10:41 AETable peers');
    assert.deepEqual(one(r, 'EXP-DICOM-001').dependsOnContent, { whenEmpty: 'EXP-DICOM-005' });
    assert.equal(where(one(r, 'EXP-DICOM-004')), 'absent TLS=none: dcmqrscp speaks plain DICOM only');
  });

  it('the product default AE title with ANY peers adds EXP-DICOM-003 at the title', () => {
    const r = audit({ [F]: cfg(['DCMQRSCP  /srv/db  RW  (200, 1024mb)  ANY']) });
    assert.deepEqual(ids(r), ['EXP-DICOM-001', 'EXP-DICOM-003', 'EXP-DICOM-004']);
    assert.equal(where(one(r, 'EXP-DICOM-003')), '10:1 AETable AE title');
  });

  it('peers listed from the HostTable or written in place: no open query, no guessable-title finding', () => {
    const hosts = ['ct1 = (CT1, ct1.example.org, 104)', 'modalities = ct1'];
    const r = audit({ [F]: cfg(['DCMQRSCP  /srv/db  RW  (200, 1024mb)  modalities', 'OTHER  /srv/o  R  (9, 1mb)  (WS1, ws1.example.org, 104)'], hosts) });
    assert.deepEqual(ids(r), ['EXP-DICOM-004']);
  });

  it('write-only access with ANY peers: anyone may store, but nobody may query', () => {
    assert.deepEqual(ids(audit({ [F]: cfg(['DROP  /srv/drop  W  (9, 1024mb)  ANY']) })), ['EXP-DICOM-004']);
  });

  it('ANY is DCMTK\'s keyword only in capitals; "any" would be a HostTable name', () => {
    assert.equal(refusal(audit({ [F]: cfg(['X1  /srv/db  R  (9, 1mb)  any']) }), F), 'line 10: peer "any" is not defined in the HostTable (dcmqrscp refuses the file)');
  });
});

describe('dcmqrscp.cfg files dcmqrscp itself refuses', () => {
  it('an unknown mnemonic, a table never closed, an END without BEGIN, a short AETable row', () => {
    assert.equal(refusal(audit({ [F]: cfg([], [], ['Password = hunter2']) }), F), 'line 5: unknown setting "Password" (dcmqrscp refuses the file)');
    assert.equal(refusal(audit({ [F]: 'AETable BEGIN\nX /srv R (1, 1mb) ANY\n' }), F), 'line 1: AETable BEGIN has no AETable END (dcmqrscp refuses the file)');
    assert.equal(refusal(audit({ [F]: 'HostTable END\n' }), F), 'line 1: HostTable END without BEGIN');
    assert.match(refusal(audit({ [F]: cfg(['X1  /srv/db  RW']) }), F) ?? '', /^line 10: an AETable row is "AETitle StorageArea Access \(Quota\) Peers"; this one has 3/);
  });

  it('a line longer than the 511 characters dcmqrscp reads at once', () => {
    assert.equal(refusal(audit({ [F]: `# ${'x'.repeat(600)}\n` }), F), 'line 1 is longer than the 511 characters dcmqrscp reads in one line');
  });
});
