/**
 * DICOM sweeps of simulated fleets on loopback, Exposure against nmap in the
 * same run: echo-only endpoints on port 104 (claimed by the DICOM probes) and
 * on 11104 (claimed by no probe), and the price of a C-FIND on qr-open ones.
 */
import net from 'node:net';
import { join } from 'node:path';
import { forEachConcurrent } from '../src/scan/pool.ts';
import { commandLine, exposureScan, mb, n, type Bench, type ScanFigures } from './common.ts';
import { addressList, fleetOf, fleetRange, plan, withFleet } from './fleets.ts';
import { cpuSeconds } from './measure.ts';
import { nmapCommandLine, nmapSweep } from './nmap.ts';

const CONCURRENCY = 512;
const SCAN_TIMEOUT_MS = 900_000;

/** The raw limit: connect and close, nothing else, to the same endpoints. */
async function connectRate(bench: Bench, endpoints: readonly { ip: string; port: number }[]): Promise<number> {
  const t0 = performance.now();
  await forEachConcurrent(endpoints, 256, (e) =>
    new Promise<void>((resolve) => {
      const s = net.connect({ host: e.ip, port: e.port });
      const done = (): void => {
        s.destroy();
        resolve();
      };
      s.once('connect', done);
      s.once('error', done);
      s.setTimeout(5000, done);
    }),
  );
  const rate = endpoints.length / ((performance.now() - t0) / 1000);
  bench.row(`raw TCP connect+close from a Node loop, 256 in flight, the same ${n(endpoints.length)} endpoints`, `${n(rate)} connects/s`);
  return rate;
}

function scanRow(s: ScanFigures, endpoints: number, fleetBusy?: number): string {
  return (
    `${s.seconds.toFixed(1)} s of run (${s.child.seconds.toFixed(1)} s with process start) = ${n(endpoints / s.child.seconds)} endpoints/s; ` +
    `${n(s.dicom)}/${n(endpoints)} DICOM services found; peak RSS ${mb(s.child.peakRssMb)}; scanner CPU ${s.child.cpuSeconds.toFixed(1)} s` +
    (fleetBusy === undefined ? '' : `; fleet process busy ${fleetBusy.toFixed(0)} % of one core`)
  );
}

/** Exposure and nmap on N echo-only endpoints on one port. */
async function echoAgainstNmap(bench: Bench, port: number, note: string, withConnectRate: boolean): Promise<void> {
  const count = bench.endpoints;
  const config = fleetOf(bench.fleetFirst, 'echo-only', count, port);
  await withFleet(config, async (fleet) => {
    const raw = withConnectRate ? await connectRate(bench, plan(config)) : undefined;
    const fleetCpu0 = cpuSeconds(fleet.child.pid!);
    const what = `Exposure \`${commandLine('RANGE', port, CONCURRENCY)}\`, ${n(count)} echo-only endpoints on port ${port} (${note})`;
    const ours = await exposureScan(bench, what, { targets: fleetRange(bench.fleetFirst, count), port, concurrency: CONCURRENCY, db: join(bench.dir, `echo-${port}.db`), timeoutMs: SCAN_TIMEOUT_MS });
    if (ours) bench.row(what, scanRow(ours, count, (100 * (cpuSeconds(fleet.child.pid!) - fleetCpu0)) / ours.child.seconds));
    const nmapWhat = `nmap \`${nmapCommandLine(port)}\`, the same endpoints`;
    const theirs = await nmapSweep(bench, nmapWhat, addressList(config, bench.dir, `addresses-${port}.txt`), port);
    if (theirs) {
      bench.row(
        `${nmapWhat} (${theirs.scan} scan)`,
        `${theirs.seconds.toFixed(1)} s = ${n(count / theirs.seconds)} endpoints/s; ${n(theirs.open)} open ports, dicom-ping found ${n(theirs.dicom)}`,
      );
    }
    if (ours && theirs) {
      const ratio = theirs.seconds / ours.child.seconds;
      bench.row(`Exposure / nmap on port ${port}, wall times with process start`, `${ratio.toFixed(2)}× (target ≥ 2×)${raw ? `; Exposure at ${((100 * count) / ours.child.seconds / raw).toFixed(0)} % of the raw connect rate` : ''}`);
    }
  });
}

export async function echoPiece(bench: Bench): Promise<void> {
  await echoAgainstNmap(bench, 104, 'claimed by the DICOM probes', true);
}

export async function unclaimedPiece(bench: Bench): Promise<void> {
  await echoAgainstNmap(bench, 11104, 'claimed by no probe: identified from its first bytes', false);
}

/** One sweep of N endpoints of `kind` on port 104 at 512 in flight. */
async function sweep(bench: Bench, kind: 'echo-only' | 'qr-open'): Promise<{ scan: ScanFigures; expectedStudies: number } | undefined> {
  const config = fleetOf(bench.fleetFirst, kind, bench.endpoints, 104);
  const expectedStudies = plan(config).reduce((sum, e) => sum + e.findMatches, 0);
  return withFleet(config, async () => {
    const what = `Exposure, ${n(bench.endpoints)} ${kind} endpoints on port 104, ${CONCURRENCY} in flight`;
    const scan = await exposureScan(bench, what, { targets: fleetRange(bench.fleetFirst, bench.endpoints), port: 104, concurrency: CONCURRENCY, db: join(bench.dir, `${kind}.db`), timeoutMs: SCAN_TIMEOUT_MS });
    if (scan) bench.row(what, `${scanRow(scan, bench.endpoints)}; ${n(scan.studies)} studies counted (${n(expectedStudies)} served)`);
    return scan && { scan, expectedStudies };
  });
}

/**
 * qr-open endpoints answer the study-level C-FIND with 1–50 matches (25.5 on
 * average) carrying the study-related counts, so the probe needs no deeper
 * query: the difference to echo-only endpoints is one exchange, one round trip.
 */
export async function qrPiece(bench: Bench): Promise<void> {
  const echo = await sweep(bench, 'echo-only');
  const qr = await sweep(bench, 'qr-open');
  if (!echo || !qr) return;
  const count = bench.endpoints;
  const cpuMs = (1000 * (qr.scan.child.cpuSeconds - echo.scan.child.cpuSeconds)) / count;
  const wallMs = (1000 * (qr.scan.child.seconds - echo.scan.child.seconds)) / count;
  const perMatch = (1000 * (qr.scan.child.cpuSeconds - echo.scan.child.cpuSeconds)) / Math.max(1, qr.expectedStudies);
  bench.row(
    'cost of the C-FIND exchange (qr-open minus echo-only, same sweep)',
    `${cpuMs.toFixed(2)} ms of scanner CPU and ${wallMs.toFixed(2)} ms of wall time per endpoint (${perMatch.toFixed(3)} ms of CPU per match); probes/s ${n(count / echo.scan.child.seconds)} → ${n(count / qr.scan.child.seconds)}`,
  );
}
