/**
 * The watch end to end on a server of the test's own: an Orthanc-like REST
 * API on 127.0.94.21 that answers without a login (EXP-WEB-003, high), then
 * behind Orthanc's login wall, then open again. Each run of the scope is
 * stored with the scope's name, compared with the previous one, alerted on by
 * webhook (a receiver on 127.0.94.22), and pruned beyond the retention; the
 * lifecycle and a verification read the same runs. The scheduled loop runs
 * on a clock of the test's own.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { counting } from '../store/counting.ts';
import { openStoreKeeper, type KeptStore } from '../../src/store/index.ts';
import type { Alert } from '../../src/watch/alert.ts';
import { alertChannels } from '../../src/watch/channels.ts';
import { watchConfigFrom, type WatchConfig } from '../../src/watch/config.ts';
import { namedScope, SCOPE_KEY, VERIFIES_KEY } from '../../src/store/scope-runs.ts';
import { scopeLifecycle, type FindingLifecycle } from '../../src/watch/lifecycle.ts';
import { verifyFinding } from '../../src/watch/verify.ts';
import { watchScopes, type WatchDeps, type WatchEvent } from '../../src/watch/watcher.ts';

const ORTHANC_IP = '127.0.94.21';
const RECEIVER_IP = '127.0.94.22';

let mode: 'open' | 'locked' = 'open';
let orthanc: Server;
let receiver: Server;
let port: number;
let hookUrl: string;
const alerts: Alert[] = [];
const dir = mkdtempSync(join(tmpdir(), 'exposure-watcher-'));

before(async () => {
  orthanc = createServer((req, res) => {
    if (mode === 'locked') return res.writeHead(401, { 'www-authenticate': 'Basic realm="Orthanc Secure Area"' }).end();
    const body = req.url === '/system' ? { Version: '1.12.4', ApiVersion: 22, DicomAet: 'ORTHANC', DicomPort: 4242 } : { CountPatients: 0, CountStudies: 0, CountSeries: 0, CountInstances: 0 };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      alerts.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Alert);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => orthanc.listen(0, ORTHANC_IP, r));
  await new Promise<void>((r) => receiver.listen(0, RECEIVER_IP, r));
  port = (orthanc.address() as AddressInfo).port;
  hookUrl = `http://${RECEIVER_IP}:${(receiver.address() as AddressInfo).port}/alerts`;
});

after(() => {
  for (const s of [orthanc, receiver]) {
    s?.closeAllConnections();
    s?.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

function config(keepRuns: number): WatchConfig {
  return watchConfigFrom(
    {
      schedule: '* * * * *',
      timezone: 'UTC',
      retention: { runs: keepRuns },
      scopes: [{ name: 'pacs', targets: [ORTHANC_IP], ports: [port], probes: ['orthanc'], scan: { webPorts: [port], ioTimeout: 3000, connectTimeout: 1000 } }],
      alerts: { webhook: { url: hookUrl, secretEnv: 'HOOK_KEY', attempts: 2, timeoutMs: 3000, backoffMs: 50 } },
    },
    join(dir, 'watch.yaml'),
  );
}

function deps(store: KeptStore, c: WatchConfig, events: WatchEvent[], signal = new AbortController().signal): WatchDeps {
  return { store, channels: alertChannels(c.alerts, { HOOK_KEY: 'k' }), minSeverity: 'high', hooks: { signal }, onEvent: (e) => events.push(e) };
}

describe('watching a scope', () => {
  it('alerts on a new finding and on its fix, verifies it, sees it come back, and prunes beyond the retention', async () => {
    const store = openStoreKeeper(join(dir, 'once.db'));
    try {
      const c = config(3);
      const events: WatchEvent[] = [];
      const watched = counting(store);
      const once = async (): Promise<void> => void (await watchScopes(c, deps(watched.store, c, events), { once: true }));

      await once();
      assert.equal(watched.calls.get('runs'), 1, 'the runs table read once per run of the scope');
      assert.equal(alerts.length, 1);
      assert.equal(alerts[0]?.previousRun, null);
      assert.deepEqual(alerts[0]?.newFindings.map((f) => [f.ruleId, f.severity, f.ip, f.port]), [['EXP-WEB-003', 'high', ORTHANC_IP, port]]);
      assert.match(alerts[0]!.newFindings[0]!.remediation, /AuthenticationEnabled/);
      const run1 = (await store.runs())[0]!;
      assert.equal(run1.meta.options[SCOPE_KEY], 'pacs');

      mode = 'locked';
      await once();
      assert.equal(alerts.length, 2);
      assert.deepEqual(alerts[1]?.previousRun?.id, run1.id);
      assert.deepEqual(alerts[1]?.newFindings, []);
      assert.deepEqual(alerts[1]?.fixedFindings.map((f) => f.ruleId), ['EXP-WEB-003']);

      const finding = (await store.findings(run1.id))[0]!;
      const v = await verifyFinding(store, { id: finding.id }, 'the test store', { signal: new AbortController().signal });
      assert.deepEqual(v.verdict, { kind: 'fixed', answered: true });
      const verification = await store.run(v.runId);
      assert.deepEqual(verification?.meta.targets, [ORTHANC_IP]);
      assert.deepEqual(verification?.meta.ports, [port]);
      assert.deepEqual(verification?.meta.options[VERIFIES_KEY], { finding: finding.id, ruleId: 'EXP-WEB-003', ip: ORTHANC_IP, port, protocol: 'orthanc', run: run1.id, scope: namedScope('pacs') });

      // The open API's finding; a plain-HTTP finding (medium) stays open throughout.
      const web003 = async (): Promise<FindingLifecycle[]> => (await scopeLifecycle(store, namedScope('pacs'))).findings.filter((f) => f.ruleId === 'EXP-WEB-003');
      assert.deepEqual((await web003()).map((f) => [f.ruleId, f.status, f.firstSeen.run, f.lastSeen.run, f.fixed?.run]), [['EXP-WEB-003', 'fixed', run1.id, run1.id, run1.id + 1]]);

      mode = 'open';
      await once();
      assert.equal(alerts.length, 3, 'the finding came back: new again');
      assert.deepEqual(alerts[2]?.newFindings.map((f) => f.ruleId), ['EXP-WEB-003']);
      const back = (await web003())[0]!;
      assert.deepEqual([back.status, back.firstSeen.run, back.reopened?.run, back.runsSeen], ['reopened', run1.id, run1.id + 3, 2]);
      const still = await verifyFinding(store, { ruleId: 'EXP-WEB-003', ip: ORTHANC_IP, port }, 'the test store', { signal: new AbortController().signal });
      assert.equal(still.verdict.kind, 'still-open');

      // Runs: 1 open, 2 locked, 3 verification, 4 open, 5 verification; a sixth whole run keeps 2, 4 and 6.
      await once();
      assert.equal(alerts.length, 3, 'nothing changed: no alert');
      const pruned = events.filter((e) => e.kind === 'pruned');
      assert.deepEqual(pruned.map((e) => e.kind === 'pruned' && e.runIds), [[run1.id]]);
      assert.deepEqual((await store.runs()).map((r) => r.id), [2, 3, 4, 5, 6].map((n) => run1.id + n - 1));
      assert.deepEqual(events.filter((e) => e.kind === 'alerted').map((e) => e.kind === 'alerted' && e.report.delivered), [true, true, true]);
      assert.equal(watched.calls.get('runs'), 4);
    } finally {
      await store.close();
    }
  });

  it('runs each scope when due on its schedule until stopped, a scope never run at once', async () => {
    let clock = new Date('2026-03-05T10:00:30.000Z');
    const store = openStoreKeeper(join(dir, 'loop.db'), { now: () => clock });
    const stop = new AbortController();
    const waits: number[] = [];
    const events: WatchEvent[] = [];
    try {
      const c = config(30);
      const outcomes = await watchScopes(
        c,
        {
          ...deps(store, c, events, stop.signal),
          now: () => clock,
          wait: async (ms) => {
            waits.push(ms);
            clock = new Date(clock.getTime() + ms);
            if (waits.length === 2) stop.abort();
          },
        },
        { once: false },
      );
      assert.equal(outcomes.length, 2);
      assert.deepEqual((await store.runs()).map((r) => r.startedAt), ['2026-03-05T10:00:30.000Z', '2026-03-05T10:01:00.000Z']);
      assert.deepEqual(waits, [30_000, 60_000]);
      assert.deepEqual(events.filter((e) => e.kind === 'waiting').map((e) => e.kind === 'waiting' && e.until.toISOString()), ['2026-03-05T10:01:00.000Z', '2026-03-05T10:02:00.000Z']);
    } finally {
      await store.close();
    }
  });

  it('runs the honeypot pass on each run stored whole, before comparing it; a pass that fails is said and the run still compared', async () => {
    const store = openStoreKeeper(join(dir, 'assessed.db'));
    try {
      const c = config(30);
      const assessed: number[] = [];
      const events: WatchEvent[] = [];
      const passing: WatchDeps = { ...deps(store, c, events), runStored: async (runId) => (assessed.push(runId), 2) };
      const [first] = await watchScopes(c, passing, { once: true });
      assert.deepEqual(assessed, [first!.runId]);
      assert.deepEqual(
        events.filter((e) => e.kind !== 'alerted').map((e) => e.kind),
        ['scanning', 'stored', 'assessed', 'compared'],
      );
      assert.ok(events.some((e) => e.kind === 'assessed' && e.runId === first!.runId && e.likelyHoneypots === 2));

      events.length = 0;
      const failing: WatchDeps = { ...deps(store, c, events), runStored: async () => Promise.reject(new Error('database is locked')) };
      const [second] = await watchScopes(c, failing, { once: true });
      assert.equal(second!.error, undefined, 'the scope does not fail with its pass');
      assert.deepEqual(events.filter((e) => e.kind !== 'alerted').map((e) => e.kind), ['scanning', 'stored', 'assess-failed', 'compared']);
      assert.ok(events.some((e) => e.kind === 'assess-failed' && e.runId === second!.runId && e.reason === 'database is locked'));
    } finally {
      await store.close();
    }
  });

  it('reports a scope that fails and goes on with the next', async () => {
    const store = openStoreKeeper(join(dir, 'failing.db'));
    try {
      const c = config(30);
      const broken = { ...c, scopes: [{ ...c.scopes[0]!, name: 'gone', targets: [`@${join(dir, 'no-such-list.txt')}`] }, c.scopes[0]!] };
      const events: WatchEvent[] = [];
      const outcomes = await watchScopes(broken, deps(store, broken, events), { once: true });
      assert.deepEqual(outcomes.map((o) => [o.scope, o.error !== undefined]), [['gone', true], ['pacs', false]]);
      const failed = events.find((e) => e.kind === 'failed');
      assert.ok(failed?.kind === 'failed' && /no-such-list\.txt/.test(failed.error.message), JSON.stringify(failed));
    } finally {
      await store.close();
    }
  });
});
