/** The HTML report as text: self-contained and escaped (bounded.test.ts checks it stays bounded for large scans). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { summariseBounded, type BoundedReport } from '../../src/report/index.ts';
import { renderHtml } from '../../src/report/html.ts';
import { HTML_BOUNDS } from '../../src/report/html-sections.ts';
import { buildReportStore, RUN_STUDY, type ReportStore } from '../fixtures/report-store.ts';

let f: ReportStore;
let model: BoundedReport;
before(async () => {
  f = await buildReportStore();
  model = await summariseBounded(f.store, RUN_STUDY, HTML_BOUNDS);
});
after(() => f?.cleanup());

test('self-contained: a CSP forbidding every load, no script, no external reference', () => {
  const html = renderHtml(model);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">/);
  assert.doesNotMatch(html, /<script|<link |<img |<iframe|@import|url\(/i);
  assert.doesNotMatch(html, /src="https?:|xlink:href="https?:/, 'nothing is loaded from elsewhere');
  // Reference links are plain anchors a reader may follow; they load nothing by themselves.
  for (const m of html.matchAll(/<(\w+)[^>]*href="https?:/g)) assert.equal(m[1], 'a');
  assert.equal((html.match(/<svg /g) ?? []).length, 4);
});

test('peer and database strings are entities, never markup', () => {
  const html = renderHtml(model);
  assert.ok(html.includes('&lt;script&gt;alert(&quot;pacs&quot;)&lt;/script&gt;'));
  assert.ok(html.includes('Example &lt;b&gt;Hospital&lt;/b&gt; &amp; &quot;Co&quot;'));
  assert.doesNotMatch(html, /\u001b/);
});

test('geo date and the ASN credit are in the page', () => {
  const html = renderHtml(model);
  assert.match(html, /Geolocation data:<\/strong> geo-whois-asn-country-mmdb of 2026-01-01, asn of 2026-01-01/);
  assert.match(html, /CC BY 4\.0/);
  assert.match(html, /IP Geolocation by DB-IP/);
});
