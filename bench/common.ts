/**
 * What every piece of the benchmark shares: where the CLI is, a scratch
 * folder, the figures table, and reading back a run from its store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { runChild, type ChildFigures } from './measure.ts';

/** The CLI as users run it: compiled (`npm run build` first). */
export const CLI = fileURLToPath(new URL('../bin/exposure.js', import.meta.url));

export interface Bench {
  /** Scratch folder, removed at exit. */
  readonly dir: string;
  /** Endpoints per simulated fleet (at most 10,000). */
  readonly endpoints: number;
  /** Services of the synthetic store of the `million` piece. */
  readonly services: number;
  /** First address of every fleet: NET.0.1. */
  readonly fleetFirst: string;
  /** Where `start` listens for a scan's first packet: NET.250.1, outside every fleet. */
  readonly firstPacketHost: string;
  /** Prints a figure and keeps it for the closing table. */
  row(what: string, figure: string): void;
  readonly rows: readonly (readonly [string, string])[];
}

/** `net` is the /16 of loopback the fleets live in, as its first two octets ("127.3"). */
export function createBench(endpoints: number, net: string, services: number): Bench {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const rows: [string, string][] = [];
  return {
    dir,
    endpoints,
    services,
    fleetFirst: `${net}.0.1`,
    firstPacketHost: `${net}.250.1`,
    rows,
    row(what, figure) {
      rows.push([what, figure]);
      console.log(`${what}: ${figure}`);
    },
  };
}

export const n = (x: number): string => Math.round(x).toLocaleString('en');
export const mb = (x: number): string => `${x.toFixed(0)} MB`;

export interface RunRead {
  /** From the run's start to its end as stored (without process start). */
  readonly seconds: number;
  /** Distinct endpoints where the DICOM probe succeeded. */
  readonly dicom: number;
  /** Studies counted over all services. */
  readonly studies: number;
}

export function readRun(db: string): RunRead {
  const d = new Database(db, { readonly: true });
  try {
    const r = d.prepare('SELECT started_at, finished_at FROM runs ORDER BY id DESC LIMIT 1').get() as { started_at: string; finished_at: string };
    const dicom = Number(d.prepare("SELECT count(DISTINCT ip || ':' || port) FROM services WHERE protocol = 'dicom' AND status = 'success'").pluck().get());
    const studies = Number(d.prepare('SELECT coalesce(sum(studies), 0) FROM services').pluck().get());
    return { seconds: (Date.parse(r.finished_at) - Date.parse(r.started_at)) / 1000, dicom, studies };
  } finally {
    d.close();
  }
}

export interface ScanFigures extends RunRead {
  readonly child: ChildFigures;
}

/** `exposure scan TARGETS --ports PORT --rate 0 --concurrency C --db DB --quiet --seed 1` as a child; undefined (and a row saying why) when it fails. */
export async function exposureScan(
  bench: Bench,
  what: string,
  o: { readonly targets: string; readonly port: number; readonly concurrency: number; readonly db: string; readonly timeoutMs: number; readonly nodeFlags?: readonly string[] },
): Promise<ScanFigures | undefined> {
  const args = [...(o.nodeFlags ?? []), CLI, 'scan', o.targets, '--ports', String(o.port), '--rate', '0', '--concurrency', String(o.concurrency), '--db', o.db, '--quiet', '--seed', '1'];
  const child = await runChild(process.execPath, args, o.timeoutMs);
  if (child.code !== 0) {
    bench.row(what, `failed (exit ${child.code}${child.timedOut ? `, timed out after ${o.timeoutMs / 1000} s` : ''}): ${child.stderr.trim().split('\n').pop() ?? ''}`);
    return undefined;
  }
  return { ...readRun(o.db), child };
}

/** The command line as docs/benchmarks.md shows it. */
export function commandLine(targets: string, port: number, concurrency: number): string {
  return `node bin/exposure.js scan ${targets} --ports ${port} --rate 0 --concurrency ${concurrency} --db … --quiet --seed 1`;
}
