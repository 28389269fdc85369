/**
 * The dashboard's guard, tried as an attacker would: no token, a wrong one,
 * a forged Origin and Host, a missing CSRF token; its headers on every
 * answer; peer-written strings (the hostile fixtures) shown escaped on every
 * page that shows them. An in-process server on 127.0.93.50-52, port 0.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assess } from '../../src/assess/assess.ts';
import { startDashboard, type Dashboard } from '../../src/web/server.ts';
import { HOSTILE_OBSERVATIONS, SCRIPT } from '../fixtures/hostile-observations.ts';
import { buildReportStore, RUN_STUDY, type ReportStore } from '../fixtures/report-store.ts';
import { selfSigned } from '../net/self-signed.ts';
import { ask, sessionCookie, type Answer } from './client.ts';

const TOKEN = 'test-token-0123456789abcdefghijkl';
const HOST = '127.0.93.50';

let f: ReportStore;
let dashboard: Dashboard;
let base: string;
let origin: string;
let hostileRun: number;

before(async () => {
  f = await buildReportStore();
  // The hostile observations as a run of their own, each with what the rules say of it.
  hostileRun = await f.store.startRun({ targets: ['192.0.2.50-192.0.2.53'], ports: [104, 8042, 445, 8080], options: {}, scanner: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'test' } });
  for (const o of HOSTILE_OBSERVATIONS) {
    await f.store.recordHost(hostileRun, { ip: o.endpoint.ip, services: [{ observation: o, findings: assess(o) }], geo: { space: 'public', country: 'KR', asn: 64502, org: `${SCRIPT} Org` } });
  }
  await f.store.finishRun(hostileRun, { targetsTotal: 4, hostsDone: 4, openPorts: 4, excluded: 0, status: 'completed' });
  dashboard = await startDashboard({ store: f.store, host: HOST, port: 0, token: TOKEN });
  base = dashboard.url;
  origin = base.replace(/\/$/, '');
});

after(async () => {
  await dashboard?.close();
  await f?.cleanup();
});

async function login(): Promise<string> {
  const a = await ask(base, '/login', { form: { token: TOKEN, next: '/' }, headers: { origin } });
  assert.equal(a.status, 303);
  return sessionCookie(a);
}

function assertSecurityHeaders(a: Answer): void {
  const csp = String(a.headers['content-security-policy']);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(a.headers['x-content-type-options'], 'nosniff');
  assert.equal(a.headers['referrer-policy'], 'no-referrer');
  assert.equal(a.headers['x-frame-options'], 'DENY');
}

describe('starting the dashboard', () => {
  it('refuses an address off loopback without TLS, and a short token', async () => {
    await assert.rejects(startDashboard({ store: f.store, host: '0.0.0.0', port: 0, token: TOKEN }), { name: 'WebError', code: 'NOT_LOOPBACK' });
    await assert.rejects(startDashboard({ store: f.store, host: '192.0.2.1', port: 0, token: TOKEN }), { name: 'WebError', code: 'NOT_LOOPBACK' });
    await assert.rejects(startDashboard({ store: f.store, host: HOST, port: 0, token: 'short' }), { name: 'WebError', code: 'WEAK_TOKEN' });
  });
});

describe('without a session', () => {
  it('sends a page to the login page and answers 401 to data, with the security headers', async () => {
    const page = await ask(base, '/runs/1?x=1');
    assert.equal(page.status, 303);
    assert.equal(page.headers.location, '/login?next=%2Fruns%2F1%3Fx%3D1');
    assertSecurityHeaders(page);
    const data = await ask(base, '/runs/1/live.json');
    assert.equal(data.status, 401);
    assert.doesNotMatch(data.body, /run|finding/i);
    const form = await ask(base, '/login');
    assert.equal(form.status, 200);
    assertSecurityHeaders(form);
    assert.match(form.body, /<input id="token" name="token" type="password"/);
  });

  it('refuses a wrong token, by form or in the URL, and sets no cookie', async () => {
    for (const a of [await ask(base, '/login', { form: { token: `${TOKEN}x` }, headers: { origin } }), await ask(base, `/login?token=${TOKEN.slice(1)}`)]) {
      assert.equal(a.status, 401);
      assert.equal(a.headers['set-cookie'], undefined);
      assert.match(a.body, /not this dashboard's access token/);
    }
    const wrong = await ask(base, '/', { headers: { cookie: 'exposure_session=guessed' } });
    assert.equal(wrong.status, 303, 'a made-up session id is no session');
  });

  it('refuses the right token posted from a forged origin', async () => {
    const forged: Record<string, string>[] = [{ origin: 'http://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { origin: `https://${HOST}:${dashboard.port}` }];
    for (const headers of forged) {
      const a = await ask(base, '/login', { form: { token: TOKEN }, headers });
      assert.equal(a.status, 403, JSON.stringify(headers));
      assert.equal(a.headers['set-cookie'], undefined);
    }
  });

  it('gives the right token a session cookie only scripts and other sites cannot use, and drops the token from the URL', async () => {
    const a = await ask(base, `/login?token=${TOKEN}&next=/runs/1`);
    assert.equal(a.status, 303);
    assert.equal(a.headers.location, '/runs/1');
    const cookie = String(a.headers['set-cookie']);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.doesNotMatch(cookie, /Secure/, 'plain HTTP on loopback');
    assert.ok(!cookie.includes(TOKEN));
    const away = await ask(base, `/login?token=${TOKEN}&next=//evil.example/`);
    assert.equal(away.headers.location, '/', 'a login never sends the browser elsewhere');
  });
});

describe('with a session', () => {
  let cookie: string;
  before(async () => {
    cookie = await login();
  });
  const get = (path: string, headers: Record<string, string> = {}): Promise<Answer> => ask(base, path, { headers: { cookie, ...headers } });

  it('serves every page with the headers, no inline script and no inline style', async () => {
    const services = await f.store.services(RUN_STUDY);
    for (const path of ['/', '/runs/1', '/runs/1/findings', `/runs/1/services/${services[0]!.id}`, '/diff?from=1&to=3', '/runs/1/live', '/runs/1/timeline']) {
      const a = await get(path);
      assert.equal(a.status, 200, path);
      assertSecurityHeaders(a);
      assert.doesNotMatch(a.body, /<script(?![^>]*\ssrc=)[^>]*>/, `${path} has an inline script`);
      assert.doesNotMatch(a.body, /<style|\sstyle=/, `${path} has an inline style`);
      assert.doesNotMatch(a.body, /\son[a-z]+=/, `${path} has an event handler attribute`);
    }
  });

  it('refuses a request naming another host (DNS rebinding), even with the cookie', async () => {
    const a = await get('/', { host: `evil.example:${dashboard.port}` });
    assert.equal(a.status, 421);
    assert.doesNotMatch(a.body, /run 1/);
  });

  it('links each rule of a run to its filtered findings list', async () => {
    const a = await get('/runs/1');
    assert.match(a.body, /<a href="\/runs\/1\/findings\?rule=EXP-DICOM-001">EXP-DICOM-001<\/a>/);
    assert.match(a.body, /<img src="\/runs\/1\/charts\/3\.svg"/);
  });

  it('filters the findings in the URL, and says which filter is wrong', async () => {
    const de = await get('/runs/1/findings?country=DE');
    assert.match(de.body, /192\.0\.2\.10:104/);
    assert.doesNotMatch(de.body, /198\.51\.100\.20/);
    const search = await get('/runs/1/findings?q=AS64501');
    assert.match(search.body, /198\.51\.100\.20/);
    assert.doesNotMatch(search.body, /192\.0\.2\.10:104/);
    const bad = await get('/runs/1/findings?rule=DROP%20TABLE');
    assert.equal(bad.status, 400);
    assert.match(bad.body, /not a rule id/);
    assert.equal((await get('/runs/99')).status, 404);
  });

  it('serves charts as SVG images well-formed on their own, under a policy that runs no script', async () => {
    const a = await get('/runs/1/charts/0.svg');
    assert.equal(a.status, 200);
    assert.match(String(a.headers['content-type']), /^image\/svg\+xml/);
    assert.match(String(a.headers['content-security-policy']), /^default-src 'none'/);
    assert.doesNotMatch(a.body, /<script/);
    // Every attribute value is closed by the quote that opened it: an XML reader takes the file.
    for (const tag of a.body.match(/<[a-z][^>]*>/g) ?? []) assert.match(tag, /^<[a-z]+(\s+[A-Za-z_:-]+="[^"<]*")*\s*\/?>$/, tag);
  });

  it('shows every peer-written string as text: markup escaped, controls dropped', async () => {
    const pages = [`/runs/${hostileRun}`, `/runs/${hostileRun}/findings`, `/runs/${hostileRun}/live`, '/'];
    for (const s of await f.store.services(hostileRun)) pages.push(`/runs/${hostileRun}/services/${s.id}`);
    for (const path of pages) {
      const a = await get(path);
      assert.equal(a.status, 200, path);
      assert.ok(!a.body.includes(SCRIPT) && !a.body.includes('<script>alert'), `${path} holds raw markup from a peer`);
      assert.doesNotMatch(a.body, /[\u0000-\u0008\u001b\u009b\u202e]/, `${path} holds a control character`);
    }
    const card = await get(`/runs/${hostileRun}/services/${(await f.store.services(hostileRun))[0]!.id}`);
    assert.ok(card.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the hostile product is shown, escaped');
  });

  it('logs out only with this session\'s CSRF token from this origin', async () => {
    const page = await get('/');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
    assert.ok(csrf);
    const forged = await ask(base, '/logout', { form: { csrf }, headers: { cookie, origin: 'http://evil.example' } });
    assert.equal(forged.status, 403);
    const noToken = await ask(base, '/logout', { form: {}, headers: { cookie, origin } });
    assert.equal(noToken.status, 403);
    const otherToken = await ask(base, '/logout', { form: { csrf: `${csrf}x` }, headers: { cookie, origin } });
    assert.equal(otherToken.status, 403);
    assert.equal((await get('/')).status, 200, 'the refused requests changed nothing');
    const out = await ask(base, '/logout', { form: { csrf }, headers: { cookie, origin } });
    assert.equal(out.status, 303);
    assert.equal((await get('/')).status, 303, 'the session is gone');
  });
});

describe('over TLS', () => {
  it('marks the cookie Secure and asks for HTTPS from then on', async () => {
    const { key, cert } = await selfSigned(HOST);
    const tls = await startDashboard({ store: f.store, host: '127.0.93.51', port: 0, token: TOKEN, tls: { key, cert } });
    try {
      assert.match(tls.url, /^https:\/\/127\.0\.93\.51:\d+\/$/);
      const a = await ask(tls.url, '/login', { form: { token: TOKEN }, headers: { origin: tls.url.replace(/\/$/, '') } });
      assert.equal(a.status, 303);
      assert.match(String(a.headers['set-cookie']), /; Secure/);
      assert.match(String(a.headers['strict-transport-security']), /max-age=/);
    } finally {
      await tls.close();
    }
  });
});

describe('the verify button', () => {
  it('rescans a finding only on a POST from this origin with the CSRF token, then opens the run it stored', async () => {
    const asked: number[] = [];
    const d = await startDashboard({
      store: f.store,
      host: '127.0.93.53',
      port: 0,
      token: TOKEN,
      verify: async (id) => {
        asked.push(id);
        // A rescan takes a while: long enough for a second click to arrive meanwhile.
        await new Promise((r) => setTimeout(r, 200));
        return { runId: RUN_STUDY };
      },
    });
    try {
      const own = d.url.replace(/\/$/, '');
      const signIn = await ask(d.url, '/login', { form: { token: TOKEN, next: '/' }, headers: { origin: own } });
      const cookie = sessionCookie(signIn);
      const list = await ask(d.url, `/runs/${RUN_STUDY}/findings`, { headers: { cookie } });
      assert.equal(list.status, 200);
      const form = /<form method="post" action="\/findings\/(\d+)\/verify" class="verify"><input type="hidden" name="csrf" value="([^"]+)">/.exec(list.body);
      assert.ok(form, 'each finding has a verify button');
      const [, id, csrf] = form;
      assert.equal((await ask(d.url, `/findings/${id}/verify`, { headers: { cookie } })).status, 405);
      assert.equal((await ask(d.url, `/findings/${id}/verify`, { form: { csrf: csrf! }, headers: { cookie, origin: 'http://evil.example' } })).status, 403);
      assert.equal((await ask(d.url, `/findings/${id}/verify`, { form: {}, headers: { cookie, origin: own } })).status, 403);
      assert.equal((await ask(d.url, `/findings/${id}/verify`, { form: { csrf: csrf! }, headers: { origin: own } })).status, 401);
      assert.deepEqual(asked, [], 'nothing was rescanned by the refused requests');
      // Two at once: the second is refused while the first runs.
      const [first, second] = await Promise.all([
        ask(d.url, `/findings/${id}/verify`, { form: { csrf: csrf! }, headers: { cookie, origin: own } }),
        ask(d.url, `/findings/${id}/verify`, { form: { csrf: csrf! }, headers: { cookie, origin: own } }),
      ]);
      assert.deepEqual([first.status, second.status].sort(), [303, 409]);
      const done = first.status === 303 ? first : second;
      assert.equal(done.headers.location, `/runs/${RUN_STUDY}`);
      assert.deepEqual(asked, [Number(id)]);
    } finally {
      await d.close();
    }
  });

  it('is not there when the dashboard cannot verify', async () => {
    const list = await ask(base, `/runs/${RUN_STUDY}/findings`, { headers: { cookie: await login() } });
    assert.equal(list.status, 200);
    assert.doesNotMatch(list.body, /\/verify"/);
  });
});
