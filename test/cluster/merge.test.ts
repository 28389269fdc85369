/**
 * Merging shards through the store's roles: the merged run holds every
 * shard's hosts once, in address order, with their services, findings and
 * geo; an address two shards stored is kept from the lower index; gaps make
 * the run interrupted; a merged run is never resumed in place. Shards are
 * built through the store's write path with recorded parameters.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { mergeShards, type OpenShard } from '../../src/cluster/merge.ts';
import { checkShards } from '../../src/cluster/shards.ts';
import type { Observation } from '../../src/observation/observation.ts';
import { ScanError } from '../../src/scan/errors.ts';
import { resumableParameters } from '../../src/scan/resume.ts';
import { MERGED_FROM_KEY, PARAMETERS_KEY, parametersOfRun, recordParameters, runMeta } from '../../src/scan/run-parameters.ts';
import { openSqliteStore, type HostResult, type RunEndStatus, type ServiceRow, type SqliteStore, type StoredHostGeo } from '../../src/store/index.ts';
import { ANY_AE, EXPOSED, FIND_OPEN, NO_TLS, REFUSED, REJECTING } from '../store/fixtures.ts';
import { requested } from '../scan/parameters.ts';

const dir = mkdtempSync(join(tmpdir(), 'exposure-merge-'));
const open: SqliteStore[] = [];
after(async () => {
  await Promise.all(open.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

const GEO_DB = JSON.stringify({ country: { package: 'country-db', version: '1', date: '2026-06-17' }, asn: { package: 'asn-db', version: '1', date: '2026-06-17' } });

function at(o: Observation, ip: string, product?: string): Observation {
  return { ...o, endpoint: { ...o.endpoint, ip }, ...(product !== undefined && o.product ? { product: { ...o.product, name: product } } : {}) };
}

/** An exposed DICOM service and a rejecting one on the address, as the fixtures describe them. */
function host(ip: string, options: { product?: string; geo?: StoredHostGeo } = {}): HostResult {
  return {
    ip,
    services: [
      { observation: at(EXPOSED, ip, options.product), findings: [FIND_OPEN, ANY_AE, NO_TLS] },
      { observation: at(REJECTING, ip), findings: [] },
    ],
    ...(options.geo ? { geo: options.geo } : {}),
  };
}

let files = 0;
/** A shard file: its run started with recorded parameters, its hosts written through the sink, finished with `status`. */
async function shardFile(index: number, count: number, hosts: HostResult[], status: RunEndStatus = 'completed'): Promise<OpenShard> {
  const where = join(dir, `shard-${++files}.db`);
  const store = openSqliteStore(where);
  open.push(store);
  const id = await store.startRun(runMeta(recordParameters(requested({ shard: { index, count } })), [], ['127.0.93.0/30']));
  for (const h of hosts) await store.recordHost(id, h);
  await store.finishRun(id, { targetsTotal: 2, hostsDone: 2, openPorts: hosts.length * 2, excluded: 1, status });
  const run = (await store.run(id))!;
  return { where, run, parameters: parametersOfRun(run, where, 'merged'), reader: store };
}

async function into(): Promise<SqliteStore> {
  const store = openSqliteStore(join(dir, `merged-${++files}.db`));
  open.push(store);
  return store;
}

/** What a service is, without its row ids or when it was probed. */
function essence(s: ServiceRow): unknown {
  const { startedAt: _s, durationMs: _d, ...observation } = s.observation;
  return { ip: s.ip, port: s.port, protocol: s.protocol, country: s.country, asn: s.asn, space: s.space, observation, findings: s.findings };
}

test('three shards become one completed run holding every host once, in address order, whatever the page and batch sizes', async () => {
  const geo: StoredHostGeo = { space: 'public', country: 'DE', asn: 3320, org: 'Example AG', source: GEO_DB };
  const hosts = [[host('10.0.0.20'), host('10.0.0.5', { geo })], [host('10.0.0.6'), host('10.0.0.10')], [host('2001:db8::5')]];
  const shards = [await shardFile(2, 3, hosts[2]!), await shardFile(0, 3, hosts[0]!), await shardFile(1, 3, hosts[1]!)];
  const { ordered, gaps } = checkShards(shards);
  const target = await into();
  // One service a page: a host's two services straddle pages. Two hosts a batch: several transactions.
  const outcome = await mergeShards({ shards: ordered, gaps, into: target, pageSize: 1, batchHosts: 2 });
  assert.deepEqual({ ...outcome, runId: undefined }, { runId: undefined, status: 'completed', hosts: 5, services: 10, overlaps: 0, geoSourcesDropped: [] });

  const merged = await target.services(outcome.runId);
  assert.deepEqual(merged.map((s) => `${s.ip}:${s.port}`), [
    '10.0.0.5:104', '10.0.0.5:11112', '10.0.0.6:104', '10.0.0.6:11112', '10.0.0.10:104', '10.0.0.10:11112',
    '10.0.0.20:104', '10.0.0.20:11112', '[2001:db8::5]:104', '[2001:db8::5]:11112',
  ].map((e) => e.replace(/^\[(.*)\]/, '$1')));
  const fromShards = (await Promise.all(shards.map((s) => (s.reader as SqliteStore).services(s.run.id)))).flat();
  for (const s of merged) {
    const original = fromShards.find((o) => o.ip === s.ip && o.port === s.port);
    assert.deepEqual(essence(s), essence(original!), `${s.ip}:${s.port} as its shard stored it`);
  }
  assert.deepEqual(await target.geoSources(outcome.runId), [GEO_DB], 'the geo databases\' names came along');

  const run = (await target.run(outcome.runId))!;
  assert.equal(run.status, 'completed');
  assert.deepEqual(run.summary, { targetsTotal: 6, hostsDone: 6, openPorts: 10, excluded: 1 });
  const parameters = parametersOfRun(run, 'merged');
  assert.deepEqual(parameters.shard, { index: 0, count: 1 }, 'recorded as the whole order');
  assert.deepEqual({ ...parameters, shard: undefined }, { ...shards[0]!.parameters, shard: undefined });
  assert.deepEqual(run.meta.options[MERGED_FROM_KEY], {
    shards: ordered.map((s, i) => ({ shard: `${i + 1}/3`, source: s.where, run: s.run.id, status: 'completed' })),
    missing: [],
  });
  assert.ok(run.meta.options[PARAMETERS_KEY] !== undefined);
});

test('an address two shards stored is kept once, from the lower shard, and counted', async () => {
  const low = await shardFile(0, 2, [host('10.0.0.5', { product: 'Orthanc' }), host('10.0.0.7')]);
  const high = await shardFile(1, 2, [host('10.0.0.5', { product: 'dcmqrscp' }), host('10.0.0.6')]);
  const { ordered, gaps } = checkShards([high, low]);
  const target = await into();
  const outcome = await mergeShards({ shards: ordered, gaps, into: target });
  assert.equal(outcome.overlaps, 1);
  assert.equal(outcome.hosts, 3);
  const services = await target.services(outcome.runId);
  assert.deepEqual([...new Set(services.map((s) => s.ip))], ['10.0.0.5', '10.0.0.6', '10.0.0.7']);
  assert.equal(services.find((s) => s.ip === '10.0.0.5' && s.port === 104)?.product, 'Orthanc');
  assert.equal((await target.run(outcome.runId))?.summary?.hostsDone, 3, 'four hosts done, one of them twice');
});

test('a missing shard and an interrupted one leave the merged run interrupted, and it names what it lacks', async () => {
  const first = await shardFile(0, 3, [host('10.0.0.5')]);
  const third = await shardFile(2, 3, [host('10.0.0.9')], 'interrupted');
  const { ordered, gaps } = checkShards([first, third]);
  const target = await into();
  const outcome = await mergeShards({ shards: ordered, gaps, into: target });
  assert.equal(outcome.status, 'interrupted');
  const run = (await target.run(outcome.runId))!;
  assert.equal(run.status, 'interrupted');
  assert.deepEqual((run.meta.options[MERGED_FROM_KEY] as { missing: string[] }).missing, ['2/3']);
  await assert.rejects(resumableParameters(target, outcome.runId, 'merged.db'), (e: unknown) => {
    return e instanceof ScanError && e.code === 'RUN_MERGED' && /was merged from shards: resume the unfinished shards' own runs, then merge them again$/.test(e.message);
  });
});

test('a shard labelled by several geo databases keeps its hosts\' country and AS, and says the names were not carried', async () => {
  const other = JSON.stringify({ country: { package: 'country-db', version: '2', date: '2026-09-01' } });
  const shard = await shardFile(0, 1, [
    host('10.0.0.5', { geo: { space: 'public', country: 'FR', asn: 5410, org: 'Exemple', source: GEO_DB } }),
    host('10.0.0.6', { geo: { space: 'public', country: 'BE', source: other } }),
    { ip: '10.0.0.7', services: [{ observation: at(REFUSED, '10.0.0.7'), findings: [] }], geo: { space: 'private' } },
  ]);
  const { ordered, gaps } = checkShards([shard]);
  const target = await into();
  const outcome = await mergeShards({ shards: ordered, gaps, into: target });
  assert.deepEqual(outcome.geoSourcesDropped, [shard.where]);
  const services = await target.services(outcome.runId);
  assert.deepEqual(services.map((s) => [s.ip, s.space, s.country ?? null]), [
    ['10.0.0.5', 'public', 'FR'], ['10.0.0.5', 'public', 'FR'], ['10.0.0.6', 'public', 'BE'], ['10.0.0.6', 'public', 'BE'], ['10.0.0.7', 'private', null],
  ]);
  assert.deepEqual(await target.geoSources(outcome.runId), []);
  assert.deepEqual(await target.hostsWithoutGeo(outcome.runId), [], 'labelled hosts are not labelled again');
});
