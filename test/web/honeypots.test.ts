/**
 * The dashboard on a run with likely honeypots: the run page says how many its
 * figures leave out, as the reports do, and a service's card shows its
 * assessment. An in-process server on 127.0.99.50, port 0, over SQLite.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HONEYPOT_ASSESSOR } from '../../src/assess/honeypot/index.ts';
import type { HoneypotPass } from '../../src/store/index.ts';
import { startDashboard, type Dashboard } from '../../src/web/server.ts';
import { SQLITE, type TestStore } from '../store/engines.ts';
import { EXPOSED, honeypotPersona, RUN_META } from '../store/fixtures.ts';
import { ask, sessionCookie } from './client.ts';

const TOKEN = 'test-token-0123456789abcdefghijkl';
const HOST = '127.0.99.50';
const PERSONAS = ['10.9.0.1', '10.9.0.2', '10.9.0.3'];

let t: TestStore;
let dashboard: Dashboard;
let cookie: string;
let runId: number;
let plainRun: number;

/** A run of one archive and, when asked, three honeypot personas; assessed as a scan's end does. */
async function storeRun(withPersonas: boolean): Promise<number> {
  const id = await t.store.startRun(RUN_META);
  const hosts = [
    { ip: '10.0.0.5', services: [{ observation: EXPOSED, findings: [] }] },
    ...(withPersonas ? PERSONAS : []).map((ip) => ({ ip, services: [{ observation: honeypotPersona(ip), findings: [] }] })),
  ];
  await t.store.recordHosts(id, { hosts });
  await t.store.finishRun(id, { targetsTotal: hosts.length, hostsDone: hosts.length, openPorts: hosts.length, excluded: 0, status: 'completed' });
  await (t.store as unknown as HoneypotPass).assessHoneypots(id, HONEYPOT_ASSESSOR);
  return id;
}

before(async () => {
  t = await SQLITE.create();
  runId = await storeRun(true);
  plainRun = await storeRun(false);
  dashboard = await startDashboard({ store: t.store, host: HOST, port: 0, token: TOKEN });
  const a = await ask(dashboard.url, '/login', { form: { token: TOKEN, next: '/' }, headers: { origin: dashboard.url.replace(/\/$/, '') } });
  cookie = sessionCookie(a);
});

after(async () => {
  await dashboard?.close();
  await t?.cleanup();
});

describe('honeypots on the dashboard', () => {
  it('says on the run page how many likely honeypots its figures leave out', async () => {
    const page = await ask(dashboard.url, `/runs/${runId}`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(page.body, /<strong>Honeypots:<\/strong> 3 likely honeypots excluded \(--keep-honeypots to count them\)/);
    // The figures are the archive's alone: one service exposing patient data.
    assert.match(page.body, /<div class="card alert"><div class="n">1<\/div><div class="l">service exposing patient data<\/div>/);
  });

  it('says nothing of honeypots on a run that has none', async () => {
    const page = await ask(dashboard.url, `/runs/${plainRun}`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.body, /Honeypots:/);
  });

  it("shows a service's level, score and signals on its card", async () => {
    const services = await t.store.services(runId);
    const persona = services.find((s) => s.ip === PERSONAS[0]);
    const archive = services.find((s) => s.ip === '10.0.0.5');
    assert.ok(persona && archive);
    const page = await ask(dashboard.url, `/runs/${runId}/services/${persona.id}`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(page.body, /<th>Honeypot<\/th><td>likely honeypot \(score 100: any-called-ae, honeypot-persona, lure-dataset, same-keyed-dataset, same-dataset, fast-responses\)<\/td>/);
    const card = await ask(dashboard.url, `/runs/${runId}/services/${archive.id}`, { headers: { cookie } });
    assert.match(card.body, /<th>Honeypot<\/th><td>unlikely honeypot \(score 15: any-called-ae\)<\/td>/);
  });
});
