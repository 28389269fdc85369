/**
 * Round trips, not loopback, decide speed on the internet. The fleet answers
 * every PDU a round-trip time after its request (the connect is accepted at
 * once), and the sweep is set against the ideal a scanner could reach with
 * that many associations in flight:
 *
 *   endpoints × round trips of one probe × RTT / associations in flight
 *
 * An echo-only endpoint costs the DICOM probe three round trips: A-ASSOCIATE,
 * C-ECHO, A-RELEASE (its C-FIND context is rejected in the A-ASSOCIATE-AC).
 */
import { join } from 'node:path';
import { commandLine, exposureScan, mb, n, type Bench } from './common.ts';
import { fleetOf, fleetRange, withFleet } from './fleets.ts';

export const ECHO_ONLY_ROUND_TRIPS = 3;
const CONCURRENCY = 4096;
const RTTS_MS = [100, 300];
/** Endpoints of the one-at-a-time scan whose peak RSS is the baseline of "memory per association". */
const BASELINE_ENDPOINTS = 20;

export async function latencyPiece(bench: Bench): Promise<void> {
  const count = bench.endpoints;
  const inFlight = Math.min(CONCURRENCY, count);
  let baselineMb: number | undefined;
  for (const rttMs of RTTS_MS) {
    await withFleet(fleetOf(bench.fleetFirst, 'echo-only', count, 104, rttMs), async () => {
      if (baselineMb === undefined) {
        const base = await exposureScan(bench, 'baseline: one association at a time', {
          targets: fleetRange(bench.fleetFirst, BASELINE_ENDPOINTS),
          port: 104,
          concurrency: 1,
          db: join(bench.dir, 'latency-baseline.db'),
          timeoutMs: 300_000,
        });
        baselineMb = base?.child.peakRssMb;
        if (base) bench.row(`baseline: ${BASELINE_ENDPOINTS} endpoints at rtt ${rttMs} ms, --concurrency 1`, `${base.seconds.toFixed(1)} s; peak RSS ${mb(base.child.peakRssMb)}`);
      }
      const what = `Exposure \`${commandLine('RANGE', 104, CONCURRENCY)}\`, ${n(count)} echo-only endpoints at rtt ${rttMs} ms`;
      const s = await exposureScan(bench, what, { targets: fleetRange(bench.fleetFirst, count), port: 104, concurrency: CONCURRENCY, db: join(bench.dir, `latency-${rttMs}.db`), timeoutMs: 900_000 });
      if (!s) return;
      const ideal = (count * ECHO_ONLY_ROUND_TRIPS * rttMs) / 1000 / inFlight;
      const perAssociation = baselineMb === undefined ? undefined : ((s.child.peakRssMb - baselineMb) * 1024) / inFlight;
      bench.row(
        what,
        `${s.seconds.toFixed(1)} s of run (${s.child.seconds.toFixed(1)} s with process start) against an ideal ${ideal.toFixed(2)} s ` +
          `(${n(count)} × ${ECHO_ONLY_ROUND_TRIPS} round trips × ${rttMs} ms / ${n(inFlight)}): ${(s.seconds / ideal).toFixed(1)}× the ideal; ` +
          `${n(s.dicom)}/${n(count)} found; peak RSS ${mb(s.child.peakRssMb)}` +
          (perAssociation === undefined ? '' : `, ${perAssociation.toFixed(0)} KB per association in flight (RSS above the baseline / ${n(inFlight)})`),
      );
    });
  }
}
