/**
 * A million services (issue 15): a synthetic store made through the store's
 * own write path, then every report format and a diff, each in a child
 * process running the compiled CLI as users run it. Printed, never asserted.
 *
 *   node --import tsx bench/run.ts million [--services N]
 *
 * Run 1 holds N services (bench/million-hosts.ts: mostly FTP, SMB and web
 * servers exposing nothing, a few thousand exposed); run 2 is the same
 * address space a month later: 2 % of hosts gone, 2 % new, some newly
 * exposed, some locked, some counted again. Hosts go in as a scan writes
 * them: geo looked up per host, findings from the real rules, batches with
 * their checkpoint through the host writer, from the store's writing thread.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { assess } from '../src/assess/assess.ts';
import { hostGeoLookup, type HostGeoLookup } from '../src/cli/geo.ts';
import { isExposed } from '../src/observation/exposed.ts';
import type { RunDiff } from '../src/report/diff.ts';
import { CheckpointTracker } from '../src/scan/checkpoint.ts';
import { HostWriter } from '../src/scan/host-writer.ts';
import { openStoreSink, type HostResult, type RunMeta, type ScanCounters } from '../src/store/index.ts';
import { CLI, mb, n, type Bench } from './common.ts';
import { runChild } from './measure.ts';
import { baseKind, hostAddresses, observationsOf } from './million-hosts.ts';

const META: RunMeta = {
  targets: ['1.0.0.0-223.255.255.255', '2a02::/16'],
  ports: [21, 80, 104, 443, 445, 4242, 8042, 11112],
  options: { maxRecords: 1000, guessList: true, bench: 'million' },
  scanner: { callingAeTitle: 'EXPOSURE', userAgent: 'Exposure/bench' },
};

/** What a written run holds, and how fast it went in. */
interface Written {
  readonly runId: number;
  /** Host indexes written: run 2 goes over the same ones and a few more. */
  readonly hostIndexes: number;
  readonly hosts: number;
  readonly services: number;
  readonly exposed: number;
  readonly findings: number;
  readonly seconds: number;
}

/** The first of a host's addresses that a scan would reach, with its geo labels. */
function located(i: number, geo: HostGeoLookup): Pick<HostResult, 'ip' | 'geo'> {
  const candidates = hostAddresses(i);
  for (const ip of candidates) {
    const g = geo(ip);
    if (g?.space === 'public' || ip === candidates.at(-1)) return g ? { ip, geo: g } : { ip };
  }
  throw new Error('unreachable: the last candidate is always taken');
}

/**
 * One run written as a scan writes it. Goes over host indexes from 0 until
 * `until` says stop (services written so far, index), skipping hosts `keep` refuses.
 */
async function writeRun(
  db: string,
  run: 1 | 2,
  geo: HostGeoLookup,
  o: { readonly firstNew: number; readonly until: (services: number, i: number) => boolean; readonly keep?: (i: number) => boolean },
): Promise<Written> {
  const store = openStoreSink(db, { writeThread: true });
  const t0 = performance.now();
  const runId = await store.startRun(META);
  const counters: ScanCounters = { hostsDone: 0, openPorts: 0, unreachable: 0, services: 0, findings: 0 };
  const tracker = new CheckpointTracker(0, counters);
  const writer = new HostWriter({ store, runId, tracker, counters, merge: false });
  let exposed = 0;
  let i = 0;
  try {
    for (; !o.until(counters.services, i); i++) {
      if (o.keep && !o.keep(i)) continue;
      const { ip, geo: g } = located(i, geo);
      const services = observationsOf(i, ip, run, o.firstNew).map((observation) => ({ observation, findings: assess(observation) }));
      for (const s of services) if (isExposed(s.observation)) exposed++;
      // Steps are sparse, as a scan's over an address space where most targets answer nothing.
      const step = i * 16;
      tracker.issue(step);
      await writer.add({ step, result: { ip, ...(g ? { geo: g } : {}), services }, openPorts: new Set(services.map((s) => s.observation.endpoint.port)).size });
    }
    await writer.close();
  } finally {
    await store.finishRun(runId, { targetsTotal: i * 16, hostsDone: counters.hostsDone, openPorts: counters.openPorts, excluded: 0, status: 'completed' });
    await store.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { runId, hostIndexes: i, hosts: counters.hostsDone - counters.unreachable, services: counters.services, exposed, findings: counters.findings, seconds };
}

/** Bytes of a SQLite store on disk: the file and, if any is left, its write-ahead log. */
function storeBytes(db: string): number {
  return [db, `${db}-wal`, `${db}-shm`].reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);
}

/** Bytes per table and index (SQLite's dbstat), largest first. */
function tableBytes(db: string): Array<{ name: string; bytes: number }> {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as Array<{ name: string; bytes: number }>;
  } finally {
    d.close();
  }
}

/** Total size of the files an output wrote (CSV writes two), then removed: a million-service JSON is gigabytes. */
function outputBytes(dir: string, prefix: string): number {
  let total = 0;
  for (const f of readdirSync(dir).filter((name) => name.startsWith(prefix))) {
    total += statSync(join(dir, f)).size;
    rmSync(join(dir, f), { force: true });
  }
  return total;
}

/** How much changed between the runs, to see that the second run differs as meant. */
function diffText(d: RunDiff): string {
  return `${n(d.newServices.length)} new and ${n(d.goneServices.length)} gone services, ${n(d.newExposures.length)} new exposures, ${n(d.fixed.length)} fixed, ${n(d.changedCounts.length)} with other counts, ${n(d.newCritical)} new critical findings`;
}

const EXTENSION: Readonly<Record<string, string>> = { json: 'json', ndjson: 'ndjson', csv: 'csv', sarif: 'sarif', md: 'md', html: 'html', table: 'txt' };

/**
 * One command of the CLI in a child: wall time, peak RSS, bytes written and
 * services read per second; `describe` reads the output before it is removed.
 */
async function measureCommand(
  bench: Bench,
  what: string,
  args: readonly string[],
  o: { readonly prefix: string; readonly services: number; readonly okCodes: readonly number[]; readonly describe?: () => string },
): Promise<void> {
  const timeoutMs = Math.max(120_000, o.services);
  console.log(`$ node bin/exposure.js ${args.join(' ').replaceAll(bench.dir, '…')}`);
  const child = await runChild(process.execPath, [CLI, ...args], timeoutMs);
  const ok = child.code !== null && o.okCodes.includes(child.code);
  const description = ok && o.describe ? `; ${o.describe()}` : '';
  const bytes = outputBytes(bench.dir, o.prefix);
  if (!ok) {
    const why = child.timedOut ? `timed out after ${timeoutMs / 1000} s` : `exit ${child.code}: ${child.stderr.trim().split('\n').pop() ?? ''}`;
    bench.row(what, `failed (${why}); peak RSS ${mb(child.peakRssMb)} at ${child.seconds.toFixed(1)} s`);
    return;
  }
  bench.row(what, `${child.seconds.toFixed(1)} s, peak RSS ${mb(child.peakRssMb)}, ${(bytes / 2 ** 20).toFixed(1)} MB written, ${n(o.services / child.seconds)} services/s${description}`);
}

export async function millionPiece(bench: Bench): Promise<void> {
  const db = join(bench.dir, 'million.db');
  const warn = (line: string): void => console.log(`geo: ${line}`);
  const geo = hostGeoLookup(warn);
  const target = bench.services;

  // Run 1: hosts in index order until N services are stored.
  const one = await writeRun(db, 1, geo, { firstNew: Infinity, until: (services) => services >= target });
  const afterOne = storeBytes(db);
  // Run 2: the same hosts a month later, and 2 % new ones after them.
  const newHosts = Math.round(one.hostIndexes * 0.02);
  const two = await writeRun(db, 2, geo, { firstNew: one.hostIndexes, until: (_services, i) => i >= one.hostIndexes + newHosts });
  for (const [w, name] of [[one, 'run 1'], [two, 'run 2']] as const) {
    bench.row(
      `write ${name}: ${n(w.services)} services on ${n(w.hosts)} hosts (${n(w.exposed)} exposed services, ${n(w.findings)} findings)`,
      `${w.seconds.toFixed(1)} s = ${n(w.services / w.seconds)} services/s, ${n(w.hosts / w.seconds)} hosts/s (geo, rules, batches with checkpoints, writing thread)`,
    );
  }

  // Bytes per service: the store after run 1, less an empty store; services of exposed hosts
  // measured apart (a store of those alone), so the rest gives the bytes of an unexposed service.
  const emptyDb = join(bench.dir, 'empty.db');
  await writeRun(emptyDb, 1, geo, { firstNew: Infinity, until: () => true });
  const empty = storeBytes(emptyDb);
  const exposedDb = join(bench.dir, 'exposed.db');
  const onExposed = await writeRun(exposedDb, 1, geo, { firstNew: Infinity, until: (_s, i) => i >= one.hostIndexes, keep: (i) => baseKind(i) === 'exposed' });
  const perExposedHostService = (storeBytes(exposedDb) - empty) / onExposed.services;
  const perService = (afterOne - empty) / one.services;
  const perUnexposed = (afterOne - empty - perExposedHostService * onExposed.services) / (one.services - onExposed.services);
  bench.row('store on disk after run 1 / after both runs', `${mb(afterOne / 2 ** 20)} / ${mb(storeBytes(db) / 2 ** 20)}`);
  bench.row(
    'bytes per service (run 1)',
    `${n(perService)} on average; ${n(perUnexposed)} per service of a host without exposure, ${n(perExposedHostService)} per service of an exposed host (${n(onExposed.services)} services stored apart)`,
  );
  const tables = tableBytes(db).slice(0, 12);
  bench.row('largest tables and indexes (both runs)', tables.map((t) => `${t.name} ${(t.bytes / 2 ** 20).toFixed(1)} MB`).join(', '));

  // Each output of run 1 in a child process running the compiled CLI.
  for (const format of ['json', 'ndjson', 'csv', 'sarif', 'md', 'html', 'table'] as const) {
    const out = join(bench.dir, `report-1.${EXTENSION[format]}`);
    await measureCommand(bench, `report --format ${format} (${n(one.services)} services)`, ['report', '--db', db, '--run', String(one.runId), '--format', format, '--out', out], {
      prefix: 'report-1.',
      services: one.services,
      okCodes: [0],
    });
  }
  // Exit 3: run 2 has new critical findings, as it should.
  const diffOut = join(bench.dir, 'diff-1-2.json');
  await measureCommand(bench, `diff ${one.runId} ${two.runId} --format json (${n(one.services)} and ${n(two.services)} services)`, ['diff', String(one.runId), String(two.runId), '--db', db, '--format', 'json', '--out', diffOut], {
    prefix: 'diff-1-2.',
    services: one.services + two.services,
    okCodes: [0, 3],
    describe: () => diffText(JSON.parse(readFileSync(diffOut, 'utf8')) as RunDiff),
  });
}
