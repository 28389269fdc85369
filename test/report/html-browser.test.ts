/**
 * The HTML report in a real browser (Debian's Chromium through playwright-core):
 * it renders without console errors, requests nothing but its own file, holds
 * the charts as SVG and no script, and a full-page screenshot is a real page
 * (size and dimensions checked; kept in a temporary folder).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { summariseBounded } from '../../src/report/index.ts';
import { renderHtml } from '../../src/report/html.ts';
import { HTML_BOUNDS } from '../../src/report/html-sections.ts';
import { buildReportStore, RUN_STUDY, RUN_ZERO, type ReportStore } from '../fixtures/report-store.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let fixture: ReportStore;
let dir: string;
let browser: Browser | undefined;

before(async () => {
  fixture = await buildReportStore();
  dir = mkdtempSync(join(tmpdir(), 'exposure-html-'));
  if (existsSync(CHROMIUM)) browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  await fixture?.cleanup();
  if (dir && process.env.EXPOSURE_KEEP_SCREENSHOTS !== '1') rmSync(dir, { recursive: true, force: true });
});

/** Width and height from a PNG's IHDR chunk (PNG spec 11.2.2: bytes 16–23, big-endian). */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  assert.equal(b.subarray(1, 4).toString('latin1'), 'PNG', `${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

for (const [name, run, charts] of [['a run with exposed services', RUN_STUDY, 4], ['a run with zero findings', RUN_ZERO, 4]] as const) {
  test(`the HTML report of ${name} renders in Chromium with charts and no errors`, { timeout: 120_000 }, async (t) => {
    if (!browser) return t.skip(`${CHROMIUM} is not installed (scripts/install-lab-deps.sh installs it)`);
    const file = join(dir, `run${run}.html`);
    writeFileSync(file, renderHtml(await summariseBounded(fixture.store, run, HTML_BOUNDS)));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 60_000 });
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, [pathToFileURL(file).href], 'the page loads nothing but itself');
      assert.equal(await page.locator('figure.chart svg').count(), charts);
      assert.ok((await page.locator('figure.chart svg path, figure.chart svg rect').count()) > 20, 'charts have drawn shapes');
      assert.equal(await page.locator('script').count(), 0, 'no script, not even an injected one');
      assert.match((await page.locator('h1').textContent()) ?? '', new RegExp(`Exposure report · run ${run}`));
      assert.ok((await page.locator('section.service').count()) >= 1, 'per-service detail is present');
      const shot = join(dir, `run${run}.png`);
      await page.screenshot({ path: shot, fullPage: true, timeout: 60_000 });
      const { width, height } = pngSize(shot);
      assert.equal(width, 1280);
      assert.ok(height > 1200, `a full page, not a blank viewport (height ${height})`);
      assert.ok(statSync(shot).size > 60_000, `the screenshot has content (${statSync(shot).size} bytes)`);
    } finally {
      await page.close();
    }
  });
}

test('hostile strings reach the page as text, never as markup', { timeout: 120_000 }, async (t) => {
  if (!browser) return t.skip(`${CHROMIUM} is not installed`);
  const file = join(dir, 'hostile.html');
  writeFileSync(file, renderHtml(await summariseBounded(fixture.store, RUN_STUDY, HTML_BOUNDS)));
  const page = await browser.newPage();
  try {
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs += 1;
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 60_000 });
    const text = (await page.locator('#services').textContent()) ?? '';
    assert.ok(text.includes('<script>alert("pacs")</script>'), 'the peer string is shown literally');
    assert.equal(await page.locator('b').count(), 0, 'an organisation name cannot add markup');
    assert.equal(dialogs, 0);
  } finally {
    await page.close();
  }
});
