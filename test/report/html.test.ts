/** The HTML report as text: self-contained, escaped, and bounded for large scans. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { summarise, type ReportModel } from '../../src/report/index.ts';
import { renderHtml } from '../../src/report/html.ts';
import { HITS_PER_RULE, SERVICE_CARDS } from '../../src/report/html-sections.ts';
import { buildReportStore, RUN_STUDY, type ReportStore } from '../fixtures/report-store.ts';

let f: ReportStore;
let model: ReportModel;
before(async () => {
  f = await buildReportStore();
  model = await summarise(f.store, RUN_STUDY);
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

test('a large run shows the most exposed services and says where the rest are', () => {
  const template = model.services.find((s) => s.exposed)!;
  const services = Array.from({ length: SERVICE_CARDS + 120 }, (_, i) => ({ ...template, ip: `192.0.2.${i % 250}`, port: 1000 + i }));
  const html = renderHtml({ ...model, services });
  assert.equal((html.match(/<section class="service"/g) ?? []).length, SERVICE_CARDS);
  assert.match(html, /… and 120 more services: see the CSV or JSON report/);
  assert.match(html, new RegExp(`… and ${grouped(services.length - HITS_PER_RULE)} more affected services`));
});

function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
