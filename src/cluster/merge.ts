/**
 * `exposure merge`: shards of one run, scanned where no machine could reach
 * one database, made one run again. Each shard is read through the store's
 * reader role (services a page at a time, in report order) and the merged
 * run is written through the sink role (startRun, recordHosts in batches),
 * never table by table, so merging keeps working whatever the tables become
 * and whichever store is at either end.
 *
 * Shards are walked side by side in address order (a k-way merge of sorted
 * streams): memory holds one page per shard and one batch, at any size, and
 * an address found in two shards is seen at once, kept from the lower shard
 * index and counted as an overlap.
 */
import { ipSortKey } from '../observation/address-order.ts';
import { MERGED_FROM_KEY, PARAMETERS_KEY, type RunParameters } from '../scan/run-parameters.ts';
import type { HostResult, RunEndStatus, RunMeta, StoreReader, StoreSink } from '../store/index.ts';
import { shardLabel, type ShardGaps, type ShardRun } from './shards.ts';

/** A shard to merge: what checkShards accepted, and the reader it came from. */
export interface OpenShard extends ShardRun {
  readonly reader: Pick<StoreReader, 'servicePages' | 'geoSources'>;
}

export interface MergeOptions {
  /** In index order, as checkShards returns them. */
  readonly shards: readonly OpenShard[];
  readonly gaps: ShardGaps;
  readonly into: Pick<StoreSink, 'startRun' | 'recordHosts' | 'finishRun'>;
  /** Hosts per transaction: the scan's own batch size (scan/host-writer.ts) is of this order. */
  readonly batchHosts?: number;
  /** Services per page read from each shard. */
  readonly pageSize?: number;
}

export interface MergeOutcome {
  readonly runId: number;
  readonly status: RunEndStatus;
  readonly hosts: number;
  readonly services: number;
  /** Addresses stored by more than one shard: kept once, from the lowest shard index. */
  readonly overlaps: number;
  /** Shards whose hosts went in without the name of the geo databases that labelled them (they had several). */
  readonly geoSourcesDropped: string[];
}

/** The merged run's record of where it came from: enough to find each shard again. */
interface MergedFrom {
  shards: Array<{ shard: string; source: string; run: number; status: string }>;
  missing: string[];
}

interface KeyedHost {
  readonly key: string;
  readonly host: HostResult;
}

/**
 * A shard's hosts in address order, each with all its services: rows of one
 * address are consecutive in report order, and may straddle two pages.
 * Geo is carried as stored; the databases' names (one text per shard when it
 * was labelled by one scan) go with its public hosts.
 */
async function* hostsOf(shard: OpenShard, pageSize: number, geoSource: string | undefined): AsyncGenerator<KeyedHost> {
  let current: HostResult | undefined;
  for await (const page of shard.reader.servicePages(shard.run.id, pageSize)) {
    for (const row of page) {
      if (current !== undefined && current.ip !== row.ip) {
        yield { key: ipSortKey(current.ip), host: current };
        current = undefined;
      }
      if (current === undefined) {
        current = { ip: row.ip, services: [], ...(row.hostname !== undefined ? { hostname: row.hostname } : {}) };
        if (row.space !== undefined) {
          current.geo = {
            space: row.space,
            ...(row.country !== undefined ? { country: row.country } : {}),
            ...(row.asn !== undefined ? { asn: row.asn } : {}),
            ...(row.org !== undefined ? { org: row.org } : {}),
            ...(geoSource !== undefined && row.space === 'public' ? { source: geoSource } : {}),
          };
        }
      }
      current.services.push({ observation: row.observation, findings: row.findings });
    }
  }
  if (current !== undefined) yield { key: ipSortKey(current.ip), host: current };
}

/**
 * The shards' hosts in address order, each address once (from the first
 * shard, in the given order, that has it); `onOverlap` hears each address
 * some later shard also had.
 */
async function* mergedHosts(streams: ReadonlyArray<AsyncGenerator<KeyedHost>>, onOverlap: () => void): AsyncGenerator<HostResult> {
  const heads = await Promise.all(streams.map((s) => s.next()));
  for (;;) {
    let lowest: string | undefined;
    for (const h of heads) if (!h.done && (lowest === undefined || h.value.key < lowest)) lowest = h.value.key;
    if (lowest === undefined) return;
    let kept: HostResult | undefined;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]!;
      if (h.done || h.value.key !== lowest) continue;
      if (kept === undefined) kept = h.value.host;
      else onOverlap();
      heads[i] = await streams[i]!.next();
    }
    yield kept!;
  }
}

function mergedMeta(first: ShardRun, shards: readonly ShardRun[], gaps: ShardGaps): RunMeta {
  const parameters: RunParameters = { ...first.parameters, shard: { index: 0, count: 1 } };
  const mergedFrom: MergedFrom = {
    shards: shards.map((s) => ({ shard: shardLabel(s.parameters.shard), source: s.where, run: s.run.id, status: s.run.status })),
    missing: gaps.missing.map((index) => shardLabel({ index, count: first.parameters.shard.count })),
  };
  return {
    targets: [...first.run.meta.targets],
    ports: [...first.run.meta.ports],
    options: { [PARAMETERS_KEY]: parameters, [MERGED_FROM_KEY]: mergedFrom },
    scanner: { ...first.run.meta.scanner },
  };
}

/**
 * Exclusions of a target space are counted over the whole space, so every
 * shard of it records the same number; a result file's are counted over the
 * shard's own entries, and add up.
 */
function excludedOf(shards: readonly ShardRun[]): number {
  const counts = shards.map((s) => s.run.summary?.excluded ?? 0);
  return shards[0]?.parameters.targets.kind === 'result-file' ? counts.reduce((a, b) => a + b, 0) : Math.max(0, ...counts);
}

/** Writes the shards as one run; complete only when no shard is missing or unfinished. */
export async function mergeShards(options: MergeOptions): Promise<MergeOutcome> {
  const { shards, gaps, into } = options;
  const first = shards[0];
  if (first === undefined) throw new RangeError('mergeShards needs at least one shard');
  const batchHosts = options.batchHosts ?? 256;
  const pageSize = options.pageSize ?? 500;
  const geoSourcesDropped: string[] = [];
  const streams = await Promise.all(
    shards.map(async (s) => {
      const sources = await s.reader.geoSources(s.run.id);
      // Several texts (labelled by a scan, then filled by a report with newer data): which host had which is not read back.
      if (sources.length > 1) geoSourcesDropped.push(s.where);
      return hostsOf(s, pageSize, sources.length === 1 ? sources[0] : undefined);
    }),
  );

  const runId = await into.startRun(mergedMeta(first, shards, gaps));
  let hosts = 0;
  let services = 0;
  let overlaps = 0;
  let status: RunEndStatus = gaps.missing.length === 0 && gaps.unfinished.length === 0 ? 'completed' : 'interrupted';
  let batch: HostResult[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await into.recordHosts(runId, { hosts: batch });
    batch = [];
  };
  try {
    for await (const host of mergedHosts(streams, () => overlaps++)) {
      batch.push(host);
      hosts++;
      services += host.services.length;
      if (batch.length >= batchHosts) await flush();
    }
    await flush();
  } catch (err) {
    status = 'failed';
    throw err;
  } finally {
    const sum = (f: (s: ShardRun) => number): number => shards.reduce((n, s) => n + f(s), 0);
    await into.finishRun(runId, {
      targetsTotal: sum((s) => s.run.summary?.targetsTotal ?? s.run.hostsRecorded),
      // A host two shards probed was done twice but is one host.
      hostsDone: Math.max(0, sum((s) => s.run.summary?.hostsDone ?? s.run.hostsRecorded) - overlaps),
      openPorts: sum((s) => s.run.summary?.openPorts ?? 0),
      excluded: excludedOf(shards),
      status,
    });
  }
  return { runId, status, hosts, services, overlaps, geoSourcesDropped };
}
