/**
 * The reports a person reads and the scan's closing summary, over a run with
 * more services than any of them lists (test/fixtures/many-services.ts): the
 * lists are the right first N, checked against the whole model ranked in
 * memory; each cut list says how many more there are; and none of them reads
 * every service (the reader below throws if asked to).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { severityRank } from '../../src/observation/finding.ts';
import { renderHtml } from '../../src/report/html.ts';
import { HITS_PER_RULE, HTML_BOUNDS, SERVICE_CARDS } from '../../src/report/html-sections.ts';
import {
  MARKDOWN_BOUNDS,
  renderMarkdown,
  renderScanSummary,
  renderTable,
  summarise,
  summariseBounded,
  summariseScan,
  TABLE_BOUNDS,
  type ReportBounds,
  type ReportModel,
  type ServiceReport,
} from '../../src/report/index.ts';
import type { StoreReader } from '../../src/store/index.ts';
import { buildManyServices, MANY_SERVICES, type ManyServices } from '../fixtures/many-services.ts';

/** A reader that refuses every read of all the run's services or findings: what a bounded report must never need. */
function boundedOnly(reader: StoreReader): StoreReader {
  const refused = new Set<PropertyKey>(['services', 'servicePages', 'findings']);
  return new Proxy(reader, {
    get(target, key) {
      if (refused.has(key)) {
        return () => {
          throw new Error(`${String(key)}() reads every service of the run`);
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const endpoint = (s: { ip: string; port: number }): string => `${s.ip}:${s.port}`;
const rank = (s: ServiceReport): number => (s.highestSeverity ? severityRank(s.highestSeverity) : -1);

/** The order a reader should meet services in, from the whole model: exposed, most severe finding, address order. */
function ranked(model: ReportModel): ServiceReport[] {
  return model.services
    .map((s, i) => ({ s, i }))
    .sort((a, b) => Number(b.s.exposed) - Number(a.s.exposed) || rank(b.s) - rank(a.s) || a.i - b.i)
    .map(({ s }) => s);
}

/** Rows of the Markdown table under a heading, without its header and separator. */
function tableRows(md: string, heading: string): number {
  const from = md.indexOf(`\n${heading}\n`);
  assert.ok(from >= 0, `no ${heading}`);
  const section = md.slice(from + heading.length + 2).split(/\n## /)[0] ?? '';
  return Math.max(0, section.split('\n').filter((l) => l.startsWith('| ')).length - 2);
}

const SMALL: ReportBounds = { services: 25, fileShares: 9, hitsPerRule: 7 };

let f: ManyServices;
let reader: StoreReader;
let model: ReportModel;

before(async () => {
  f = await buildManyServices();
  reader = boundedOnly(f.store);
  model = await summarise(f.store, f.runId);
  assert.equal(model.services.length, MANY_SERVICES);
});
after(() => f?.cleanup());

describe('bounded lists', () => {
  it('the reader used below really refuses to hand out every service', async () => {
    await assert.rejects(summarise(reader, f.runId), /servicePages\(\) reads every service/);
  });

  it('services: the first N by exposure, then most severe finding, then address', async () => {
    const r = await summariseBounded(reader, f.runId, SMALL);
    const expected = ranked(model).slice(0, SMALL.services);
    assert.deepEqual(r.services.map(endpoint), expected.map(endpoint));
    assert.deepEqual(r.services, expected, 'each service as the whole model has it');
    // The ranking spans the whole order: exposed before not, critical before high within them.
    assert.ok(r.services[0]?.exposed && r.services[0].highestSeverity === 'critical');
    assert.ok(r.services.some((s) => s.exposed && s.highestSeverity === 'high'));
    assert.ok(model.services.filter((s) => s.exposed).length > SMALL.services, 'more exposed services than the list holds');
  });

  it('services: every one, in address order, when all fit', async () => {
    const r = await summariseBounded(reader, f.runId, { ...SMALL, services: MANY_SERVICES });
    assert.deepEqual(r.services.map(endpoint), model.services.map(endpoint));
  });

  it('findings: every rule, most severe first, each with its first services in address order and the true count', async () => {
    const r = await summariseBounded(reader, f.runId, SMALL);
    const ids = [...new Set(model.services.flatMap((s) => s.findings.map((x) => x.ruleId)))];
    assert.deepEqual(r.rules.map((g) => g.finding.ruleId), ['EXP-DICOM-001', 'EXP-DICOM-002', 'EXP-DICOM-003']);
    assert.equal(r.rules.length, ids.length);
    for (const g of r.rules) {
      const all = model.services.filter((s) => s.findings.some((x) => x.ruleId === g.finding.ruleId));
      assert.equal(g.services, all.length, g.finding.ruleId);
      assert.deepEqual(
        g.hits.map((h) => `${endpoint(h)} ${h.evidence}`),
        all.slice(0, SMALL.hitsPerRule).map((s) => `${endpoint(s)} ${s.findings.find((x) => x.ruleId === g.finding.ruleId)?.evidence}`),
      );
      assert.equal(g.hits[0]?.hostname, all[0]?.hostname);
      assert.ok(g.finding.remediation.length > 0 && g.finding.title.length > 0);
    }
  });

  it('file shares: the first FTP and SMB services by the same order, those with a share to sum up', async () => {
    const r = await summariseBounded(reader, f.runId, SMALL);
    const shares = ranked(model).filter((s) => s.protocol === 'ftp' || s.protocol === 'smb');
    const read = shares.slice(0, SMALL.fileShares);
    assert.ok(shares.some((s) => s.fileShare === undefined), 'the run has an FTP port that never greeted');
    assert.deepEqual(r.fileShares.map(endpoint), read.filter((s) => s.fileShare !== undefined).map(endpoint));
    assert.equal(r.moreFileShares, shares.length - SMALL.fileShares);
    const whole = await summariseBounded(reader, f.runId, { ...SMALL, fileShares: MANY_SERVICES });
    assert.equal(whole.moreFileShares, 0);
    assert.deepEqual(whole.fileShares.map(endpoint), model.services.filter((s) => s.fileShare !== undefined).map(endpoint));
  });

  it('a bound of zero reads no list at all', async () => {
    const r = await summariseBounded(reader, f.runId, { services: 0, fileShares: 0, hitsPerRule: 0 });
    assert.deepEqual([r.services.length, r.fileShares.length, r.rules.every((g) => g.hits.length === 0)], [0, 0, true]);
    assert.equal(r.rules.length, 3, 'the rules and their text are still there');
  });
});

describe('"N more" lines', () => {
  it('Markdown closes each cut list with how many more and where they are', async () => {
    const r = await summariseBounded(reader, f.runId, SMALL);
    const md = renderMarkdown(r);
    assert.equal(tableRows(md, '## Services'), SMALL.services);
    assert.equal(tableRows(md, '## File shares'), r.fileShares.length);
    assert.ok(md.includes(`… and ${MANY_SERVICES - SMALL.services} more services: see the CSV or NDJSON report for all of them.`));
    assert.ok(md.includes(`… and ${r.moreFileShares} more FTP, SMB, rsync and NFS services: see the CSV or NDJSON report`));
    for (const g of r.rules) {
      assert.ok(md.includes(`**Affected (${g.services}):**`));
      assert.ok(md.includes(`… and ${g.services - SMALL.hitsPerRule} more affected services`), g.finding.ruleId);
    }
  });

  it('the terminal table lists the first services and findings, then how many more of each', async () => {
    const r = await summariseBounded(reader, f.runId, SMALL);
    const out = renderTable(r, { color: false, width: 160 });
    const findings = r.rules.reduce((n, g) => n + g.services, 0);
    assert.ok(out.includes(`… and ${MANY_SERVICES - SMALL.services} more services: see the CSV or NDJSON report for all of them.`));
    assert.ok(out.includes(`… and ${findings - r.rules.length * SMALL.hitsPerRule} more findings: see the CSV or NDJSON report`));
    assert.equal((out.match(/^(?:10\.0\.|\[2001)\S+ +(?:dicom|ftp|smb) /gm) ?? []).length, SMALL.services);
    assert.equal((out.match(/^(?:CRITICAL|HIGH|MEDIUM) /gm) ?? []).length, r.rules.length * SMALL.hitsPerRule);
  });

  it('HTML at its own bounds: SERVICE_CARDS cards, HITS_PER_RULE per rule, the rest counted', async () => {
    assert.ok(MANY_SERVICES > SERVICE_CARDS);
    const html = renderHtml(await summariseBounded(reader, f.runId, HTML_BOUNDS));
    assert.equal((html.match(/<section class="service"/g) ?? []).length, SERVICE_CARDS);
    assert.match(html, new RegExp(`… and ${MANY_SERVICES - SERVICE_CARDS} more services: see the CSV or NDJSON report`));
    const over = model.services.filter((s) => s.findings.some((x) => x.ruleId === 'EXP-DICOM-003')).length - HITS_PER_RULE;
    assert.ok(over > 0);
    assert.match(html, new RegExp(`… and ${over} more affected services`));
  });

  it('the default bounds of Markdown and the table hold on this run too', async () => {
    for (const [bounds, render] of [
      [MARKDOWN_BOUNDS, renderMarkdown],
      [TABLE_BOUNDS, (x: Parameters<typeof renderTable>[0]) => renderTable(x, { color: true, width: 120 })],
    ] as const) {
      const r = await summariseBounded(reader, f.runId, bounds);
      assert.equal(r.services.length, Math.min(bounds.services, MANY_SERVICES));
      assert.match(render(r), /more services: see the CSV or NDJSON report/);
    }
  });
});

describe("the scan's closing summary", () => {
  it('counts by protocol and severity from aggregates, and the first exposed services', async () => {
    const s = await summariseScan(reader, f.runId, 5);
    const exposed = model.services.filter((x) => x.exposed);
    assert.deepEqual(s.exposed, ranked(model).slice(0, 5));
    assert.deepEqual(s.totals, model.totals);
    const byProtocol = Object.fromEntries(s.byProtocol.map((r) => [r.key, [r.services, r.exposedServices]]));
    for (const p of ['dicom', 'ftp', 'smb']) {
      const of = model.services.filter((x) => x.protocol === p);
      assert.deepEqual(byProtocol[p], [of.length, of.filter((x) => x.exposed).length], p);
    }
    const out = renderScanSummary(s, { color: false, width: 120 });
    assert.match(out, /^Protocol +Services +Exposed$/m);
    assert.match(out, new RegExp(`^dicom +${byProtocol.dicom?.[0]} +${byProtocol.dicom?.[1]}$`, 'm'));
    assert.ok(out.includes(`… and ${exposed.length - 5} more exposed services`));
    assert.ok(out.includes(`${MANY_SERVICES} services, ${exposed.length} exposed`));
    const t = model.totals.findings;
    assert.ok(out.includes(`Findings: ${t.critical} critical, ${t.high} high, ${t.medium} medium, ${t.low} low, ${t.info} info`));
    // Only what it prints: no service that is not exposed, no findings list.
    for (const x of model.services.filter((y) => !y.exposed)) assert.ok(!out.includes(`${endpoint(x)} `), endpoint(x));
  });

  it('when every exposed service fits, they are all there in address order, with no "more" line', async () => {
    const s = await summariseScan(reader, f.runId, MANY_SERVICES);
    assert.deepEqual(s.exposed.map(endpoint), model.services.filter((x) => x.exposed).map(endpoint));
    assert.doesNotMatch(renderScanSummary(s, { color: false }), /more exposed services/);
  });
});
