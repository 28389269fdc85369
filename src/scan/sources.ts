/**
 * Where a run's work comes from, as a stream of steps: a target space walked
 * in permutation order (hosts, discovered on --ports), or a ZMap/masscan
 * result file read in file order (endpoints when the file names a port).
 * A resumed run skips the steps its checkpoint says are done.
 */
import { walk, type PermutationParams, type Shard } from '../scope/permutation.ts';
import { readResultFile, type ResultFormat } from '../scope/result-files.ts';
import type { TargetSpace } from '../scope/space.ts';

export interface WorkItem {
  /** Position in the run's order: the checkpoint's unit. */
  readonly step: number;
  readonly ip: string;
  readonly hostname?: string;
  /** Set when the input already says which port is open: TCP discovery is skipped. */
  readonly port?: number;
}

export interface WorkSource {
  /** Items this run (this shard) will go through in all, when known. */
  readonly total: number | undefined;
  /** True when `total` is an estimate (a shard of a permutation). */
  readonly approximate: boolean;
  /** A result file may name one address on several lines: its services are added to the same host. */
  readonly mergeHosts: boolean;
  items(skip: ResumePoint): AsyncIterable<WorkItem> | Iterable<WorkItem>;
}

export interface ResumePoint {
  readonly watermark: number;
  readonly done: ReadonlySet<number>;
}

export const FRESH: ResumePoint = { watermark: 0, done: new Set() };

export function spaceSource(space: TargetSpace, params: PermutationParams, shard: Shard): WorkSource {
  return {
    total: shard.count === 1 ? space.size : Math.ceil(space.size / shard.count),
    approximate: shard.count > 1,
    mergeHosts: false,
    *items(skip) {
      for (const slot of walk(params, shard, skip.watermark)) {
        if (skip.done.has(slot.step)) continue;
        const t = space.at(slot.index);
        yield { step: slot.step, ip: t.ip, ...(t.hostname ? { hostname: t.hostname } : {}) };
      }
    },
  };
}

export interface FileSourceOptions {
  readonly path: string;
  readonly format: ResultFormat | 'auto';
  readonly shard: Shard;
  /** Entries of this shard that pass the exclusions, counted by the validating pre-pass. */
  readonly entries: number;
  /** Drops an entry (excluded or unauthorised), counting it. */
  readonly accept: (ip: string) => boolean;
}

export function fileSource(o: FileSourceOptions): WorkSource {
  const { index, count } = o.shard;
  return {
    total: o.entries,
    approximate: false,
    mergeHosts: true,
    async *items(skip) {
      for await (const e of readResultFile(o.path, o.format)) {
        if (e.index % count !== index || e.index < skip.watermark || skip.done.has(e.index)) continue;
        if (!o.accept(e.ip)) continue;
        yield { step: e.index, ip: e.ip, ...(e.port !== undefined ? { port: e.port } : {}) };
      }
    },
  };
}
