/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core),
 * over a store made by real scans of the lab, as a user meets it:
 *  - run 1: Orthanc open to anyone on 127.0.93.2, DCMTK storescp on 127.0.93.5;
 *  - run 2: the same address serves Orthanc locked down;
 *  - `exposure serve` on 127.0.93.200; log in with the printed token, filter
 *    the findings, open a service's card, open the diff of runs 1 and 2;
 *  - run 3 started while the live view is open: the page shows it running,
 *    then completed, without a reload.
 * No console error, no request leaves 127.0.0.0/8, no canary patient value on
 * any page; screenshots kept in out/test-artefacts/serve-browser/.
 * Runs on 127.0.93.x only. Needs `npm run build` (it runs bin/exposure.js).
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CANARY_VALUES, startLab, type Lab } from '../../src/lab/lab.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'exposure.js');
const SHOTS = join(ROOT, 'out', 'test-artefacts', 'serve-browser');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ORTHANC_IP = '127.0.93.2';
const STORESCP_IP = '127.0.93.5';
const SERVE_IP = '127.0.93.200';
const SCAN = ['scan', `${ORTHANC_IP},${STORESCP_IP}`, '--ports', '104,4242', '--io-timeout', '5000', '--quiet'];

let dir: string;
let db: string;
let lab: Lab | undefined;
let serve: ChildProcess | undefined;
let browser: Browser | undefined;
let url: string;
let token: string;

async function scan(args: string[] = SCAN): Promise<void> {
  await run(process.execPath, [CLI, ...args, '--db', db], { timeout: 180_000 });
}

/** Starts `exposure serve` and reads its URL and token from the first lines it prints (within 30 s). */
async function startServe(): Promise<void> {
  const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--host', SERVE_IP, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  serve = child;
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`exposure serve printed no token in 30 s: ${out}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`exposure serve exited (${code}): ${out}`)));
    child.stderr?.on('data', (b: Buffer) => void (out += b.toString()));
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const u = / at (https?:\/\/\S+)/.exec(out);
      const t = /Access token: (\S+)/.exec(out);
      if (u && t) {
        clearTimeout(timer);
        url = u[1] as string;
        token = t[1] as string;
        resolve();
      }
    });
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exposure-serve-browser-'));
  db = join(dir, 'scans.db');
  mkdirSync(SHOTS, { recursive: true });
  if (!existsSync(CHROMIUM)) return;
  lab = await startLab({ dir: join(dir, 'lab'), addresses: { 'orthanc-open': ORTHANC_IP, storescp: STORESCP_IP }, only: ['orthanc-open', 'storescp'] });
  await scan();
  await lab.stop();
  lab = await startLab({ dir: join(dir, 'lab'), addresses: { 'orthanc-locked': ORTHANC_IP, storescp: STORESCP_IP }, only: ['orthanc-locked', 'storescp'] });
  await scan();
  await startServe();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  if (serve && serve.exitCode === null) {
    const exited = new Promise((resolve) => serve?.once('exit', resolve));
    serve.kill('SIGTERM');
    await exited;
  }
  await lab?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every request a page makes, every console error, and every page's text, for the checks at the end of each step. */
function watch(page: Page): { requests: string[]; errors: string[]; texts: string[] } {
  const seen = { requests: [] as string[], errors: [] as string[], texts: [] as string[] };
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') seen.errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => seen.errors.push(`page error: ${e.message}`));
  page.on('load', () => void page.content().then((c) => seen.texts.push(c), () => undefined));
  return seen;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, timeout: 60_000 });
}

test('a user logs in, filters findings, opens a service and a diff, and watches a scan finish', { timeout: 600_000 }, async (t) => {
  if (!browser) return t.skip(`${CHROMIUM} is not installed (scripts/install-lab-deps.sh installs it)`);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const seen = watch(page);
  try {
    // Logged out: the dashboard sends the browser to its login page; the token is typed, never put in the URL.
    await page.goto(url, { waitUntil: 'load' });
    assert.match(page.url(), /\/login\?next=/);
    await shot(page, '1-login');
    await page.fill('#token', token);
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.click('form.login button')]);
    assert.equal(await page.locator('table tbody tr').count(), 2, 'two runs listed');
    await shot(page, '2-runs');

    // A run, then its findings filtered to critical ones.
    await page.click('a[href="/runs/1"]');
    assert.match((await page.locator('h1').textContent()) ?? '', /Run 1/);
    await page.locator('figure.chart img').first().waitFor();
    // The images load after the page: wait (bounded) until each has finished, loaded or not.
    await page.waitForFunction(
      (imgs) => imgs.every((i) => (i as unknown as { complete: boolean }).complete),
      await page.locator('figure.chart img').elementHandles(),
      { timeout: 30_000 },
    );
    const drawn = await page.locator('figure.chart img').evaluateAll((imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth));
    assert.deepEqual(drawn.map((w) => w > 0), [true, true, true, true], 'every chart image loaded');
    await shot(page, '3-run');
    await page.click('nav.actions a:has-text("Findings")');
    await page.selectOption('select[name=severity]', 'critical');
    await Promise.all([page.waitForURL(/severity=critical/), page.click('form.filters button')]);
    const severities = await page.locator('table tbody tr td:first-child').allTextContents();
    assert.ok(severities.length > 0, 'the open Orthanc has critical findings');
    assert.ok(severities.every((s) => s === 'CRITICAL'), severities.join(','));
    await shot(page, '4-findings-critical');

    // A service's card, from the filtered list.
    await page.click(`table tbody tr a:has-text("${ORTHANC_IP}:4242")`);
    assert.equal(await page.locator('section.service').count(), 1);
    assert.match((await page.locator('section.service').textContent()) ?? '', /loopback space/);
    assert.ok((await page.locator('article.finding').count()) > 0, 'the service\'s findings with remediation');
    await shot(page, '5-service');

    // The diff of the two runs: the locked Orthanc is fixed.
    await page.click('nav.bar-nav a:has-text("Compare runs")');
    await page.selectOption('select[name=from]', '1');
    await page.selectOption('select[name=to]', '2');
    await Promise.all([page.waitForURL(/from=1&to=2/), page.click('form.filters button')]);
    assert.match((await page.locator('#fixed').textContent()) ?? '', new RegExp(`Fixed \\(1\\).*${ORTHANC_IP.replace(/\./g, '\\.')}:4242`, 's'));
    await shot(page, '6-diff');

    // A third scan, slowed down (5 new connections a second over 2 × 33 addresses) so it is seen running.
    const third = scan([...SCAN.slice(0, 1), `${ORTHANC_IP},${STORESCP_IP},127.0.93.20-127.0.93.50`, ...SCAN.slice(2), '--rate', '5']);
    let live = false;
    for (let i = 0; i < 60 && !live; i++) {
      await page.goto(url, { waitUntil: 'load' });
      live = (await page.locator('a[href="/runs/3/live"]').count()) === 1;
      if (!live) await page.waitForTimeout(500);
    }
    assert.ok(live, 'the runs list shows run 3 running, with its live view');
    await page.click('a[href="/runs/3/live"]');
    const before = await page.locator('[data-field=status]').textContent();
    assert.equal(before, 'running');
    await shot(page, '7-live-running');
    const loads = seen.texts.length;
    await page.locator('[data-field=status]', { hasText: 'completed' }).waitFor({ timeout: 240_000 });
    await third;
    assert.equal(page.url(), `${url}runs/3/live`, 'updated in place');
    assert.equal(seen.texts.length, loads, 'without a reload');
    assert.equal(await page.locator('[data-field=percent]').textContent(), '100 %');
    assert.ok((await page.locator('ul.latest li').count()) > 0, 'the latest findings are listed');
    await shot(page, '8-live-completed');

    assert.deepEqual(seen.errors, []);
    const outside = seen.requests.filter((r) => !/^https?:\/\/127\.\d+\.\d+\.\d+(:\d+)?\//.test(r));
    assert.deepEqual(outside, [], 'every request went to 127.0.0.0/8');
    assert.ok(seen.requests.length > 20, `${seen.requests.length} requests seen`);
    seen.texts.push(await page.content());
    for (const text of seen.texts) for (const v of CANARY_VALUES) assert.ok(!text.includes(v), 'a canary patient value on a page');
  } finally {
    await page.close();
  }
});
