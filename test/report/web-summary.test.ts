import assert from 'node:assert/strict';
import { test } from 'node:test';
import { webSummary } from '../../src/report/web-summary.ts';
import { defaultLoginOrthanc, lockedPortal, openQido, SELF_SIGNED_EXPIRED_WEAK, withTls } from '../fixtures/web-observations.ts';

test('web summary: open, default login with the vendor user, login not checked', () => {
  assert.deepEqual(webSummary(openQido), { access: 'open (no login)' });
  assert.deepEqual(webSummary(defaultLoginOrthanc), { access: 'vendor-default login accepted (user orthanc)', login: 'HTTP Basic, realm "Orthanc Secure Area"' });
  assert.equal(webSummary(lockedPortal).access, 'login required (not checked: --check-logins not given)');
});

test('web summary: certificate line says expired and self-signed', () => {
  assert.equal(webSummary(withTls(lockedPortal, SELF_SIGNED_EXPIRED_WEAK)).certificate, 'TLSv1 · EXPIRED · self-signed · CN=pacs · valid 2019-01-01 to 2020-01-01 · rsa 1024');
});
