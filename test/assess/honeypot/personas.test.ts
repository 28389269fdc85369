/**
 * The persona table, entry by entry: each exclusive identity is recognised as
 * exactly what it claims, never with another version name or under another
 * UID; a shared one (a real product's) never is; and each names its source.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HONEYPOT_PERSONAS, honeypotPersona } from '../../../src/assess/honeypot/personas.ts';

test('every exclusive persona is recognised by its exact pair, and by nothing near it', () => {
  const exclusive = HONEYPOT_PERSONAS.filter((p) => p.exclusive);
  assert.ok(exclusive.length >= 4);
  for (const p of exclusive) {
    const pair = { implementationClassUid: p.implementationClassUid, implementationVersionName: p.implementationVersionName };
    assert.equal(honeypotPersona(pair)?.id, p.id);
    assert.equal(honeypotPersona({ ...pair, implementationVersionName: `${p.implementationVersionName}X` }), undefined, `${p.id}: another version name`);
    assert.equal(honeypotPersona({ ...pair, implementationClassUid: `${p.implementationClassUid}.1` }), undefined, `${p.id}: a UID under it`);
    assert.equal(honeypotPersona({ implementationClassUid: p.implementationClassUid }), undefined, `${p.id}: the UID alone`);
  }
});

test('a persona a real product also sends is listed but never a signal', () => {
  const shared = HONEYPOT_PERSONAS.filter((p) => !p.exclusive);
  assert.ok(shared.length > 0);
  for (const p of shared) assert.equal(honeypotPersona(p), undefined, p.id);
});

test('ids are unique, and every entry names the honeypot and where its values come from', () => {
  assert.equal(new Set(HONEYPOT_PERSONAS.map((p) => p.id)).size, HONEYPOT_PERSONAS.length);
  for (const p of HONEYPOT_PERSONAS) {
    assert.match(p.id, /^[a-z0-9-]+$/);
    assert.match(p.source, p.honeypot === 'DICOMHawk' ? /honeynet\/DICOMHawk \S+\.py/ : /dicompot/, p.id);
  }
});
