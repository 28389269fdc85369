/**
 * `make soak`: does a scanner that runs for a long time stay flat? A mixed
 * fleet (simulated DICOM SCPs: open, echo-only, qr-open) and every hostile
 * persona of the lab are scanned again and again by one scanner process for a
 * fixed time; its resident set (VmRSS) and open file descriptors are sampled
 * every 10 s. Printed: the series, whether each is flat (median of the last
 * third within 20 % of the first third's) and whether every probe kept within
 * its probe timeout. Figures, not assertions (docs/benchmarks.md, "Soak").
 *
 * Open descriptors are sampled twice over: live every 10 s (they follow the
 * connections in flight, so mid-pass and between-pass samples differ by a
 * hundred), and as the scanner counts them itself once each pass is over, the
 * figure a leak would grow; flatness is judged on the latter.
 *
 *   node --import tsx bench/soak.ts [--minutes 10] [--fleet 500]
 *
 * Traffic goes only to 127.6.0.0/16: the fleet from 127.6.0.1, the hostile
 * peers from 127.6.255.1 (all in this process but the fleet and the scanner).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnFleet } from '../src/lab/fleet/spawn.ts';
import { startHostile } from '../src/lab/hostile/hostile.ts';
import { formatIpv4, parseIpv4 } from '../src/scope/ipv4.ts';
import type { PassReport, SoakScannerConfig } from './soak-scanner.ts';

const SAMPLE_EVERY_MS = 10_000;
const FLEET_FIRST = '127.6.0.1';
const HOSTILE_FIRST = '127.6.255.1';
/** Within this much of each other, the first and last thirds of a series are "flat". */
const FLAT_WITHIN = 0.2;
const LIMITS = { probeTimeoutMs: 5000, ioTimeoutMs: 2000, walkTimeMs: 3000, maxRecords: 200 } as const;

function parseArgs(argv: readonly string[]): { minutes: number; fleet: number } {
  let minutes = 10;
  let fleet = 500;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--minutes') minutes = Number(argv[++i]);
    else if (argv[i] === '--fleet') fleet = Number(argv[++i]);
    else throw new Error(`unknown argument "${argv[i]}": --minutes M, --fleet N`);
  }
  if (!(minutes > 0 && minutes <= 24 * 60)) throw new Error('--minutes must be more than 0 and at most 1440');
  if (!Number.isInteger(fleet) || fleet < 10 || fleet > 10_000) throw new Error('--fleet must be a whole number from 10 to 10,000');
  return { minutes, fleet };
}

interface Sample {
  readonly seconds: number;
  readonly rssMb: number;
  readonly fds: number;
  /** As counted by the scanner after its last finished pass. */
  readonly fdsBetweenPasses: number;
  readonly passes: number;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median of the last third against the first third's: flat when within FLAT_WITHIN of it. */
function flatness(series: readonly number[]): { first: number; last: number; change: number; flat: boolean } {
  const third = Math.max(1, Math.floor(series.length / 3));
  const first = median(series.slice(0, third));
  const last = median(series.slice(-third));
  const change = first === 0 ? 0 : (last - first) / first;
  return { first, last, change, flat: Math.abs(change) <= FLAT_WITHIN };
}

function scanner(config: SoakScannerConfig): ChildProcess {
  const main = fileURLToPath(new URL('./soak-scanner.ts', import.meta.url));
  // The scanner's open-files soft limit raised to the hard one, as bin/exposure.js does for a large --concurrency.
  return fork(main, [JSON.stringify(config)], {
    execPath: '/bin/sh',
    execArgv: ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" --expose-gc --import tsx "$@"', process.execPath],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

const { minutes, fleet: fleetSize } = parseArgs(process.argv.slice(2));
const dir = mkdtempSync(join(tmpdir(), 'exposure-soak-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const fleet = await spawnFleet({ groups: [{ first: FLEET_FIRST, stride: 1, count: fleetSize, ports: [104], mix: { open: 1, 'echo-only': 1, 'qr-open': 1 } }], aeTitle: 'ANY-SCP', slowMs: 0 });
const hostile = await startHostile({ first: HOSTILE_FIRST });
const lastFleet = formatIpv4(parseIpv4(FLEET_FIRST)! + fleetSize - 1);
const targets = [`${FLEET_FIRST}-${lastFleet}`, `${HOSTILE_FIRST}-${hostile.personas.at(-1)!.ip}`];
const ports = [...new Set([104, ...hostile.personas.map((p) => p.port)])].sort((a, b) => a - b);
console.log(`# soak: ${minutes} min; ${fleet.listening} fleet endpoints (open, echo-only, qr-open) and ${hostile.personas.length} hostile personas; ports ${ports.join(',')}`);
console.log(`# scanner limits: --probe-timeout ${LIMITS.probeTimeoutMs} --io-timeout ${LIMITS.ioTimeoutMs} --walk-time ${LIMITS.walkTimeMs} --max-records ${LIMITS.maxRecords} --concurrency 64 --rate 0`);

const child = scanner({ targets, ports, db: join(dir, 'soak.db'), limits: LIMITS, concurrency: 64 });
const passes: PassReport[] = [];
child.on('message', (m: unknown) => {
  const r = m as PassReport;
  if (r.kind !== 'pass') return;
  passes.push(r);
  console.log(`pass ${r.pass}: ${r.seconds.toFixed(1)} s, ${r.hosts} hosts, ${r.services} services, ${r.findings} findings; heap ${r.heapUsedMb.toFixed(0)} of ${r.heapTotalMb.toFixed(0)} MB, external ${r.externalMb.toFixed(0)} MB${r.overBound.length > 0 ? `, ${r.overBound.length} probe(s) over their bound` : ''}`);
});
const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

const samples: Sample[] = [];
const started = performance.now();
const pid = child.pid!;
await new Promise<void>((resolve) => {
  const take = (): void => {
    const seconds = (performance.now() - started) / 1000;
    try {
      const last = passes.at(-1);
      if (last !== undefined) {
        const s = { seconds, rssMb: rssMb(pid), fds: openFds(pid), fdsBetweenPasses: last.fdsBetweenPasses, passes: passes.length };
        samples.push(s);
        console.log(`t=${seconds.toFixed(0)} s  rss ${s.rssMb.toFixed(1)} MB  fds ${s.fds} live, ${s.fdsBetweenPasses} between passes  passes ${s.passes}`);
      }
    } catch {
      // the scanner died: the exit below says so
    }
    if (seconds * 1000 >= minutes * 60_000 || child.exitCode !== null) {
      clearInterval(timer);
      resolve();
    }
  };
  const timer = setInterval(take, SAMPLE_EVERY_MS);
});

child.send('stop');
// The pass in flight ends within its probes' bounds; past that, the scanner is stuck and is killed.
const kill = setTimeout(() => child.kill('SIGKILL'), 4 * LIMITS.probeTimeoutMs + 30_000);
await exited;
clearTimeout(kill);
await hostile.stop();
await fleet.stop();

const rss = flatness(samples.map((s) => s.rssMb));
const fds = flatness(samples.map((s) => s.fdsBetweenPasses));
const over = passes.flatMap((p) => p.overBound);
const longest: Record<string, number> = {};
for (const p of passes) for (const [protocol, ms] of Object.entries(p.longestMs)) longest[protocol] = Math.max(longest[protocol] ?? 0, ms);
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

console.log('\n| t (s) | VmRSS (MB) | open fds, live | open fds, between passes | passes done |\n| --- | --- | --- | --- | --- |');
for (const s of samples) console.log(`| ${s.seconds.toFixed(0)} | ${s.rssMb.toFixed(1)} | ${s.fds} | ${s.fdsBetweenPasses} | ${s.passes} |`);
console.log('\n| what | figure |\n| --- | --- |');
console.log(`| passes | ${passes.length} in ${minutes} min (median ${median(passes.map((p) => p.seconds)).toFixed(1)} s each, ${passes[0]?.hosts ?? 0} hosts and ${passes[0]?.services ?? 0} services a pass) |`);
console.log(`| VmRSS, median of first → last third | ${rss.first.toFixed(1)} → ${rss.last.toFixed(1)} MB (${pct(rss.change)}): ${rss.flat ? 'flat' : 'NOT flat'} |`);
console.log(`| open fds between passes, median of first → last third | ${fds.first} → ${fds.last} (${pct(fds.change)}): ${fds.flat ? 'flat' : 'NOT flat'} (live: ${Math.min(...samples.map((s) => s.fds))}–${Math.max(...samples.map((s) => s.fds))}) |`);
const heap = flatness(passes.map((p) => p.heapUsedMb));
console.log(`| V8 heap retained after a pass (full GC), median of first → last third | ${heap.first.toFixed(0)} → ${heap.last.toFixed(0)} MB (${pct(heap.change)}; heap reserved ${passes.at(-1)?.heapTotalMb.toFixed(0) ?? '?'} MB, Buffers outside it ${passes.at(-1)?.externalMb.toFixed(0) ?? '?'} MB at the end) |`);
console.log(`| longest probe per protocol | ${Object.entries(longest).sort().map(([p, ms]) => `${p} ${ms} ms`).join(', ')} (bound ${LIMITS.probeTimeoutMs} ms + slack) |`);
console.log(`| probes over their bound | ${over.length}${over.length > 0 ? `: ${over.slice(0, 5).join('; ')}` : ''} |`);
if (samples.length < 3) console.log('(fewer than three samples: run longer for a verdict)');
