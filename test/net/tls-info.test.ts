import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PeerCertificate } from 'node:tls';
import { distinguishedName, tlsInfoFromCertificate } from '../../src/net/tls-info.ts';

function cert(fields: Partial<Record<string, unknown>>): PeerCertificate {
  return { subject: { CN: 'pacs' }, issuer: { CN: 'Hospital CA', O: 'Hospital' }, valid_from: 'Jan  1 00:00:00 2020 GMT', valid_to: 'Jan  1 00:00:00 2021 GMT', fingerprint256: 'AB:CD', ...fields } as unknown as PeerCertificate;
}

test('expired, not yet valid and self-signed follow the dates and the issuer', () => {
  const now = new Date('2026-11-23T00:00:00Z');
  const expired = tlsInfoFromCertificate(cert({}), 'TLSv1.2', now);
  assert.deepEqual([expired.certificate?.expired, expired.certificate?.notYetValid, expired.certificate?.selfSigned], [true, false, false]);
  assert.equal(expired.certificate?.validTo, '2021-01-01T00:00:00.000Z');
  const future = tlsInfoFromCertificate(cert({ valid_from: 'Jan  1 00:00:00 2030 GMT', valid_to: 'Jan  1 00:00:00 2031 GMT' }), 'TLSv1.3', now);
  assert.deepEqual([future.certificate?.expired, future.certificate?.notYetValid], [false, true]);
  const self = tlsInfoFromCertificate(cert({ issuer: { CN: 'pacs' } }), 'TLSv1.3', now);
  assert.equal(self.certificate?.selfSigned, true);
});

test('no certificate, odd dates and hostile names do not break it', () => {
  assert.deepEqual(tlsInfoFromCertificate(undefined, null), { version: 'unknown' });
  assert.deepEqual(tlsInfoFromCertificate({} as PeerCertificate, 'TLSv1.3'), { version: 'TLSv1.3' });
  const odd = tlsInfoFromCertificate(cert({ valid_to: 'not a date', subject: { CN: 'a\u001b[2Jb' } }), 'TLSv1.3');
  assert.equal(odd.certificate?.validTo, undefined);
  assert.equal(odd.certificate?.expired, false);
  assert.equal(odd.certificate?.subject, 'CN=a?[2Jb');
  assert.equal(distinguishedName({ CN: ['a', 'b'], O: 'x' }), 'CN=a, CN=b, O=x');
});
