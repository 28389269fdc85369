/**
 * The study's tables and the geo footer in Markdown, for the ticket report
 * and the notification packs. Every string from the store is escaped.
 */
import { SEVERITY_LABEL } from './format.ts';
import { markdownText as md } from './escape.ts';
import type { BreakdownRow } from '../store/index.ts';
import type { ReportHead } from './model.ts';
import { counted } from '../observation/count.ts';
import { grouped, placeText, sumText } from './numbers.ts';
import { geoDatesText, type ReportGeo } from './tables.ts';

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function breakdown(title: string, first: string, rows: BreakdownRow[], key: (r: BreakdownRow) => string): string[] {
  if (rows.length === 0) return [];
  return [
    `### ${title}`,
    '',
    row([first, 'Hosts', 'Services', 'Exposed hosts', 'Exposed services', 'Patient records', 'Studies', 'Images']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...rows.map((r) =>
      row([md(key(r)), grouped(r.hosts), grouped(r.services), grouped(r.exposedHosts), grouped(r.exposedServices), sumText(r.patients), sumText(r.studies), sumText(r.images)]),
    ),
    '',
  ];
}

export function studyTablesMarkdown(model: ReportHead): string[] {
  const t = model.tables;
  const c = t.counts;
  const opt = (n: number | undefined): string => (n === undefined ? '—' : grouped(n));
  const d = t.imagesPerServer;
  return [
    '## Tables',
    '',
    row(['Addresses scanned', 'Excluded', 'Open ports', 'Services', 'Responding', 'Exposed services', 'Exposed hosts']),
    row(['---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    row([opt(c.scanned), opt(c.excluded), opt(c.openPorts), grouped(c.services), grouped(c.responding), grouped(c.exposedServices), grouped(c.exposedHosts)]),
    '',
    ...breakdown('By country', 'Country / space', t.byCountry, (r) => placeText(r.key)),
    ...breakdown('By network (AS and organisation)', 'Autonomous system', t.byAsn, (r) => placeText(r.key, r.label)),
    ...breakdown('By product and version', 'Product', t.byProductVersion, (r) => r.key),
    ...breakdown('By protocol', 'Protocol', t.byProtocol, (r) => r.key),
    ...(t.topServers.length === 0
      ? []
      : [
          '### Top servers by images',
          '',
          row(['Server', 'Country / space', 'AS', 'Product', 'Patients', 'Studies', 'Images']),
          row(['---', '---', '---', '---', '---:', '---:', '---:']),
          ...t.topServers.map((s) =>
            row([md(s.ip), md(placeText(s.country)), md(s.asn === undefined ? '' : `AS${s.asn} ${s.org ?? ''}`.trim()), md(s.product ?? ''), sumText(s.patients), sumText(s.studies), sumText(s.images)]),
          ),
          '',
        ]),
    '### Images per exposed server',
    '',
    row(['Images', 'Servers']),
    row(['---', '---:']),
    ...d.buckets.map((b) => row([md(b.label), grouped(b.servers)])),
    row(['not counted', grouped(d.notCounted)]),
    '',
    `Over 1,000 images: ${grouped(d.over1k)} · over 100,000: ${grouped(d.over100k)} · over 1,000,000: ${grouped(d.over1M)} (of ${counted(d.servers, 'exposed server', undefined, grouped)}).`,
    '',
    'Patient records are summed over the servers of a row: one person held by two servers counts twice.',
    '',
    ...(t.findingsByRule.length === 0
      ? []
      : [
          '### Findings by rule',
          '',
          row(['Severity', 'Rule', 'Title', 'Services', 'Hosts']),
          row(['---', '---', '---', '---:', '---:']),
          ...t.findingsByRule.map((r) => row([SEVERITY_LABEL[r.severity], md(r.ruleId), md(r.title), grouped(r.services), grouped(r.hosts)])),
          '',
        ]),
  ];
}

export function geoFooterMarkdown(geo: ReportGeo): string[] {
  return ['---', '', `Geolocation data: ${md(geoDatesText(geo))}.`, '', ...geo.credits.map((c) => `${md(c)}`).flatMap((l) => [l, ''])];
}
