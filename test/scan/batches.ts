/**
 * Synthetic finished hosts for the host-writer tests, and the exactly-once
 * check a resume must pass: step s is 10.1.(s >> 8).(s & 255); every third
 * step found nothing (an empty host, which only moves the checkpoint).
 */
import assert from 'node:assert/strict';
import { CheckpointTracker } from '../../src/scan/checkpoint.ts';
import { HostWriter, type FinishedHost } from '../../src/scan/host-writer.ts';
import type { ScanCheckpoint, ScanCounters, StoreSink, StoreReader } from '../../src/store/index.ts';
import { ANY_AE, ECHO_ONLY, NO_TLS } from '../store/fixtures.ts';

export const zeroCounters = (): ScanCounters => ({ hostsDone: 0, openPorts: 0, unreachable: 0, services: 0, findings: 0 });

export const ipAt = (step: number): string => `10.1.${step >> 8}.${step & 255}`;
export const hasServices = (step: number): boolean => step % 3 !== 0;

export function finishedHost(step: number): FinishedHost {
  const ip = ipAt(step);
  if (!hasServices(step)) return { step, result: { ip, services: [] }, openPorts: 0 };
  const observation = { ...ECHO_ONLY, endpoint: { ip, port: 104 } };
  return { step, result: { ip, services: [{ observation, findings: [ANY_AE, NO_TLS] }] }, openPorts: 1 };
}

export function isDone(c: ScanCheckpoint | undefined, step: number): boolean {
  return c !== undefined && (step < c.watermark || c.done.includes(step));
}

/**
 * What a killed run's file must show: every stored host is marked done, every
 * host marked done with results is stored once, and the counters count
 * exactly the hosts marked done. Returns the steps of `0..total-1` a resume probes again.
 */
export async function checkStoredMatchesCheckpoint(store: StoreSink & StoreReader, runId: number, total: number): Promise<number[]> {
  const checkpoint = await store.loadCheckpoint(runId);
  const services = await store.services(runId);
  const storedIps = services.map((s) => s.ip);
  assert.equal(new Set(storedIps).size, storedIps.length, 'no host stored twice');
  const stepOf = new Map(Array.from({ length: total }, (_, s) => [ipAt(s), s]));
  for (const ip of storedIps) assert.ok(isDone(checkpoint, stepOf.get(ip)!), `stored host ${ip} is marked done`);
  const done = Array.from({ length: total }, (_, s) => s).filter((s) => isDone(checkpoint, s));
  const doneWithServices = done.filter(hasServices);
  assert.deepEqual(doneWithServices.map(ipAt).sort(), [...storedIps].sort(), 'every host marked done with results is stored');
  if (checkpoint) {
    assert.equal(checkpoint.counters.hostsDone, done.length, 'hosts counted = hosts marked done');
    assert.equal(checkpoint.counters.services, storedIps.length, 'services counted = services stored');
    assert.equal(checkpoint.counters.unreachable, done.length - doneWithServices.length);
  }
  return Array.from({ length: total }, (_, s) => s).filter((s) => !isDone(checkpoint, s));
}

/** What `scan --resume` does with the writer: start from the stored checkpoint and finish the given steps. */
export async function resumeSteps(store: StoreSink, runId: number, steps: readonly number[]): Promise<void> {
  const saved = await store.loadCheckpoint(runId);
  const counters = { ...zeroCounters(), ...saved?.counters };
  const tracker = new CheckpointTracker(saved?.watermark ?? 0, counters, saved?.done ?? []);
  const writer = new HostWriter({ store, runId, tracker, counters, merge: false, maxHosts: 7 });
  for (const s of steps) tracker.issue(s);
  for (const s of steps) await writer.add(finishedHost(s));
  await writer.close();
}
