/**
 * `exposure merge SHARD.db … --into OUT.db`: shards of one run (`scan
 * --shard I/N`, each on its own machine and file) stored as one run. Each
 * file's latest run is its shard. Shards of different runs, or one shard
 * given twice, are refused in one line (exit 2) before OUT.db is touched;
 * overlaps and gaps are reported, and a merge with gaps is stored as an
 * interrupted run.
 */
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { counted } from '../observation/count.ts';
import { MergeError } from '../cluster/errors.ts';
import { mergeShards, type OpenShard } from '../cluster/merge.ts';
import { checkShards, shardLabel } from '../cluster/shards.ts';
import { parametersOfRun } from '../scan/run-parameters.ts';
import { isPostgresUrl, openStoreReader, openStoreSink, storeLabel, type StoreReader, type StoreSink } from '../store/index.ts';

export interface MergeFlags {
  into: string;
}

/** The same file under two names (a relative path, a symlink) is one file; a database is named by its URL. */
function samePath(path: string): string {
  if (isPostgresUrl(path)) return path;
  const absolute = resolve(path);
  return existsSync(absolute) ? realpathSync(absolute) : absolute;
}

async function readShard(file: string, reader: StoreReader): Promise<OpenShard> {
  const runId = await reader.latestRunId();
  const run = runId === undefined ? undefined : await reader.run(runId);
  if (run === undefined) throw new MergeError('NO_RUN', `${storeLabel(file)} holds no run to merge`);
  return { where: storeLabel(file), run, parameters: parametersOfRun(run, storeLabel(file), 'merged'), reader };
}

/** Opened only once every shard is accepted: a refused merge leaves OUT.db as it was (or absent). */
async function intoStore<T>(path: string, write: (sink: StoreSink) => Promise<T>): Promise<T> {
  const sink = openStoreSink(path);
  try {
    return await write(sink);
  } finally {
    await sink.close();
  }
}

export async function mergeCommand(files: string[], flags: MergeFlags): Promise<void> {
  const into = samePath(flags.into);
  const clash = files.find((f) => samePath(f) === into);
  if (clash !== undefined) throw new MergeError('INTO_IS_A_SHARD', `--into ${storeLabel(flags.into)} is also given as a shard (${storeLabel(clash)}): merge into a new or another file`);
  const readers: StoreReader[] = [];
  try {
    const shards: OpenShard[] = [];
    for (const file of files) {
      const reader = openStoreReader(file);
      readers.push(reader);
      shards.push(await readShard(file, reader));
    }
    const { ordered, gaps } = checkShards(shards);
    const outcome = await intoStore(flags.into, (sink) => mergeShards({ shards: ordered, gaps, into: sink }));
    // Shards were probed by different processes: keyed digests compare within each only (decision 0027).
    await (await import('./honeypots.ts')).honeypotPass(flags.into, outcome.runId);
    const count = ordered[0]!.parameters.shard.count;
    process.stdout.write(`merged ${ordered.length} of ${counted(count, 'shard')} into ${storeLabel(flags.into)} as run ${outcome.runId}: ${counted(outcome.hosts, 'host')}, ${counted(outcome.services, 'service')}\n`);
    const warn = (line: string): boolean => process.stderr.write(`exposure: ${line}\n`);
    if (outcome.overlaps > 0) warn(`${counted(outcome.overlaps, 'address', 'addresses')} ${outcome.overlaps === 1 ? 'was' : 'were'} stored by more than one shard: each is kept once, from the lowest shard`);
    if (gaps.missing.length > 0) warn(`missing: shard ${gaps.missing.map((i) => shardLabel({ index: i, count })).join(', ')} (not given)`);
    for (const u of gaps.unfinished) warn(`incomplete: ${u.where} (run ${u.runId}, shard ${shardLabel({ index: u.shard, count })}) is ${u.status}: resume it, then merge again`);
    for (const where of outcome.geoSourcesDropped) warn(`${where} was labelled by several geo databases: its hosts keep their country and AS, not which database gave them`);
    if (outcome.status !== 'completed') warn(`run ${outcome.runId} is stored as ${outcome.status}: it lacks the shards above`);
  } finally {
    await Promise.all(readers.map((r) => r.close()));
  }
}
