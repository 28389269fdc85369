/**
 * Geo in the pipeline: the scan-time lookup labels special space without a
 * database and public space with its source; `exposure report` fills hosts
 * stored without geo before it renders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fillMissingGeo, hostGeoLookup } from '../../src/cli/geo.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { EXPOSED, buildFixtureStore } from '../store/fixtures.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'exposure.js');

test('the scan-time lookup labels special space without a source and public space with one', () => {
  const warnings: string[] = [];
  const lookup = hostGeoLookup((l) => warnings.push(l));
  assert.deepEqual(lookup('127.0.70.9'), { space: 'loopback' });
  assert.deepEqual(lookup('fd00::1'), { space: 'private' });
  const pub = lookup('193.0.6.139');
  assert.equal(pub?.space, 'public');
  assert.equal(pub?.country, 'NL');
  const source = JSON.parse(pub?.source ?? '{}') as { country?: { date?: string }; asn?: { package?: string } };
  assert.match(source.country?.date ?? '', /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(source.asn?.package, '@ip-location-db/asn');
  assert.deepEqual(warnings, []);
});

test('a broken database turns the lookup off after one warning, never throwing', () => {
  const warnings: string[] = [];
  const lookup = hostGeoLookup((l) => warnings.push(l), { asnDir: '/nonexistent-exposure-asn' });
  assert.deepEqual(lookup('10.0.0.1'), { space: 'private' }, 'special space needs no database');
  assert.equal(lookup('193.0.6.139'), undefined);
  assert.equal(lookup('8.8.8.8'), undefined);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /geo lookup disabled: cannot read the ASN table .*ENOENT/);
});

test('exposure report labels hosts stored without geo, then reports them by their space', { timeout: 120_000 }, async () => {
  const f = await buildFixtureStore();
  try {
    assert.equal((await f.store.hostsWithoutGeo(f.runId)).length, 3);
    const r = await run(process.execPath, [CLI, 'report', '--db', f.path, '--format', 'json'], { timeout: 60_000 });
    const report = JSON.parse(r.stdout) as { tables: { byCountry: Array<{ key: string }> } };
    assert.deepEqual(report.tables.byCountry.map((b) => b.key).sort(), ['documentation', 'private']);
    const store = openSqliteStore(f.path, { readonly: true });
    assert.deepEqual(await store.hostsWithoutGeo(f.runId), []);
    await store.close();
  } finally {
    await f.cleanup();
  }
});

test('the fill goes a page at a time, and hosts a broken database cannot label are left behind, each read once', async () => {
  const f = await buildFixtureStore();
  try {
    const more = ['193.0.6.139', '8.8.8.8', '10.9.9.9', '192.168.7.7'];
    for (const ip of more) await f.store.recordHost(f.runId, { ip, services: [{ observation: { ...EXPOSED, endpoint: { ip, port: 104 } }, findings: [] }] });
    const before = await f.store.hostsWithoutGeo(f.runId);
    assert.equal(before.length, 3 + more.length);
    const warnings: string[] = [];
    await fillMissingGeo(f.path, f.runId, (l) => warnings.push(l), { pageSize: 2, geo: { asnDir: '/nonexistent-exposure-asn' } });
    assert.equal(warnings.length, 1, warnings.join('\n'));
    // Pages go in address text order: special space before the first public address is labelled without a
    // database; from that address on the lookup is off and the rest stay unlabelled, the loop still ends.
    assert.deepEqual(await f.store.hostsWithoutGeo(f.runId), ['193.0.6.139', '2001:db8::5', '8.8.8.8']);
    await fillMissingGeo(f.path, f.runId, (l) => warnings.push(l), { pageSize: 1 });
    assert.deepEqual(await f.store.hostsWithoutGeo(f.runId), []);
    assert.equal((await f.store.geoSources(f.runId)).length, 1, 'the public hosts name their databases once');
    assert.equal(warnings.length, 1);
  } finally {
    await f.cleanup();
  }
});
