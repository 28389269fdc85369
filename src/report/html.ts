/**
 * The HTML report: one self-contained file a security lead can forward.
 * No script, no external font, image or stylesheet (a Content-Security-Policy
 * forbids any), charts inlined as SVG. Strings are escaped in html-escape.ts.
 */
import { SEVERITIES } from '../observation/finding.ts';
import { barChartSvg, type BarChart } from './charts.ts';
import { html } from './html-escape.ts';
import { findingsByRuleTable, findingsSection, serviceCards, studyTables } from './html-sections.ts';
import { counted, plural } from '../observation/count.ts';
import { honeypotSectionHtml } from './honeypots.ts';
import { audienceText, patientsNote } from './format.ts';
import type { BoundedReport, ReportHead } from './model.ts';
import { grouped, placeText, sumText } from './numbers.ts';
import { geoDatesText } from './tables.ts';

/** The report's stylesheet: inlined in the file, and served as a file of its own by the dashboard. */
export const REPORT_CSS = `
:root{--fg:#1a1a1a;--muted:#5f6368;--line:#e3e5e8;--bg:#fff;--soft:#f6f7f9;--crit:#b3261e;--high:#d9480f;--med:#b7791f;--low:#2b6cb0;--info:#6b7280}
*{box-sizing:border-box}body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1120px;margin:0 auto;padding:24px 28px 48px}
header.top{border-bottom:3px solid var(--fg);padding-bottom:12px;margin-bottom:20px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}h3{font-size:15px;margin:16px 0 6px}
.meta{color:var(--muted);margin:2px 0}.meta strong{color:var(--fg)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;margin:16px 0}
.card{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:10px 12px}.card .n{font-size:21px;font-weight:700;white-space:nowrap}.card .l{color:var(--muted);font-size:12px}
.card.alert{border-color:var(--crit);background:#fdf0ef}.card.alert .n{color:var(--crit)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:16px}.chart{margin:0;border:1px solid var(--line);border-radius:6px;padding:10px;overflow:hidden}.chart svg{max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:13px}th,td{padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{background:var(--soft);text-align:left;font-weight:600}.r{text-align:right;font-variant-numeric:tabular-nums}.l{text-align:left}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.sev{display:inline-block;font-size:11px;font-weight:700;padding:1px 6px;border-radius:3px;color:#fff;text-decoration:none}
.sev.critical{background:var(--crit)}.sev.high{background:var(--high)}.sev.medium{background:var(--med)}.sev.low{background:var(--low)}.sev.info{background:var(--info)}
.finding{border-left:4px solid var(--line);padding:2px 0 2px 14px;margin:14px 0}.finding.critical{border-color:var(--crit)}.finding.high{border-color:var(--high)}.finding.medium{border-color:var(--med)}.finding.low{border-color:var(--low)}
.finding ul{margin:4px 0 8px;padding-left:20px}.proof{margin:4px 0 8px;font-size:13px}.proof p{margin:2px 0}.proof pre{margin:4px 0;padding:6px 10px;background:var(--soft);border:1px solid var(--line);border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere}.fix{background:#eef6ee;border:1px solid #cfe5cf;border-radius:4px;padding:6px 10px}.refs{color:var(--muted);font-size:12px}.refs a{overflow-wrap:anywhere}
.service{border:1px solid var(--line);border-radius:6px;padding:4px 14px 8px;margin:10px 0;break-inside:avoid}
table.kv th{width:220px;text-align:left;color:var(--muted);font-weight:500;background:none}
.badge{font-size:11px;font-weight:600;padding:1px 7px;border-radius:10px;border:1px solid var(--line);vertical-align:middle}
.badge.exposed,.badge.critical{background:#fdf0ef;color:var(--crit);border-color:var(--crit)}.badge.high{color:var(--high);border-color:var(--high)}.badge.medium{color:var(--med);border-color:var(--med)}.badge.none{color:var(--muted)}
.lead{font-size:16px;margin:10px 0 8px;padding:10px 14px;border-radius:6px;background:var(--soft);border-left:4px solid var(--muted)}.lead.alert{background:#fdf0ef;border-left-color:var(--crit)}
.empty,.note{color:var(--muted)}footer{margin-top:40px;padding-top:12px;border-top:1px solid var(--line);color:var(--muted);font-size:12px}
nav.toc{font-size:13px;margin:8px 0 0}nav.toc a{margin-right:12px}
@media print{.chart,.service,.finding{break-inside:avoid}a{color:inherit}}
`;

/** A card's noun: plural when its number is not exactly one, or was not taken. */
function noun(n: number | undefined, one: string, many?: string): string {
  return plural(n ?? 0, one, many);
}

function card(n: string, label: string, alert = false): string {
  return `<div class="card${alert ? ' alert' : ''}"><div class="n">${n}</div><div class="l">${html(label)}</div></div>`;
}

export function keyFigures(model: ReportHead): string {
  const c = model.tables.counts;
  const t = model.totals;
  const opt = (n: number | undefined): string => (n === undefined ? '—' : grouped(n));
  return `<div class="cards">
${card(opt(c.scanned), `${noun(c.scanned, 'address', 'addresses')} scanned`)}
${card(opt(c.excluded), `${noun(c.excluded, 'address', 'addresses')} excluded`)}
${card(opt(c.openPorts), noun(c.openPorts, 'open port'))}
${card(grouped(c.services), `${plural(c.services, 'service')} found`)}
${card(grouped(c.exposedServices), `${plural(c.exposedServices, 'service')} exposing patient data`, c.exposedServices > 0)}
${card(grouped(c.exposedHosts), plural(c.exposedHosts, 'exposed server'), c.exposedHosts > 0)}
${card(sumText(t.patients), `${noun(t.patients?.n, 'patient record')} reachable (${patientsNote(t)})`, (t.patients?.n ?? 0) > 0)}
${card(sumText(t.studies), `${noun(t.studies?.n, 'study', 'studies')} reachable`)}
${card(sumText(t.images), `${noun(t.images?.n, 'image')} reachable`)}
${card(grouped(t.findings.critical), plural(t.findings.critical, 'critical finding'), t.findings.critical > 0)}
</div>`;
}

/** The study's four charts, as specifications: the report inlines them all, the dashboard serves each as an image. */
export function studyCharts(model: ReportHead): BarChart[] {
  const t = model.tables;
  const byCountry = t.byCountry.slice(0, 12);
  const byProduct = t.byProduct.slice(0, 10);
  return [
    {
      id: 'country-services',
      title: 'Exposed and reachable services by country',
      categories: byCountry.map((r) => placeText(r.key)),
      series: [
        { name: 'services', values: byCountry.map((r) => r.services), color: '#9aa5b1' },
        { name: 'exposed', values: byCountry.map((r) => r.exposedServices), color: '#b3261e' },
      ],
    },
    {
      id: 'country-images',
      title: 'Images reachable by country',
      categories: byCountry.map((r) => placeText(r.key)),
      series: [{ name: 'images', values: byCountry.map((r) => r.images?.n ?? 0), color: '#2b6cb0' }],
    },
    {
      id: 'product-services',
      title: 'Services by product',
      horizontal: true,
      categories: byProduct.map((r) => r.key),
      series: [
        { name: 'services', values: byProduct.map((r) => r.services), color: '#9aa5b1' },
        { name: 'exposed', values: byProduct.map((r) => r.exposedServices), color: '#b3261e' },
      ],
    },
    {
      id: 'images-per-server',
      title: 'Exposed servers by images held',
      categories: [...t.imagesPerServer.buckets.map((b) => b.label), 'not counted'],
      series: [{ name: 'servers', values: [...t.imagesPerServer.buckets.map((b) => b.servers), t.imagesPerServer.notCounted], color: '#6b46c1' }],
    },
  ];
}

function charts(model: ReportHead): string {
  return `<div class="charts">${studyCharts(model).map((c) => `<figure class="chart">${barChartSvg(c)}</figure>`).join('\n')}</div>`;
}

/** The two sentences a reader who stops after the title should take away. */
export function lead(model: Pick<BoundedReport, 'tables' | 'totals' | 'exposedAccess'>): string {
  const c = model.tables.counts;
  const t = model.totals;
  const critical = t.findings.critical;
  if (c.exposedServices === 0) {
    const rest = c.responding === 0 ? 'No service answered in its protocol.' : `${counted(c.responding, 'service', undefined, grouped)} answered; the findings below say what to tighten.`;
    return `<p class="lead">No service returned patient records to an unknown caller. ${html(rest)}</p>`;
  }
  const what = reachableText(t);
  const servers = `${counted(c.exposedServices, 'service', undefined, grouped)} on ${counted(c.exposedHosts, 'server', undefined, grouped)}`;
  const who = audienceText(model.exposedAccess, c.exposedServices);
  return `<p class="lead alert"><strong>${html(servers)} ${c.exposedServices === 1 ? 'hands' : 'hand'} patient records to ${html(who)}.</strong>${what ? ` Reachable: ${html(what)}.` : ''} Start with the ${html(counted(critical, 'critical finding', undefined, grouped))} below.</p>`;
}

/** "14 patient records (summed over servers; ≥ 5 distinct), 20 studies, 200 images": the counts taken. */
function reachableText(t: ReportHead['totals']): string {
  return [
    t.patients && `${sumText(t.patients)} ${noun(t.patients.n, 'patient record')} (${patientsNote(t)})`,
    t.studies && `${sumText(t.studies)} ${noun(t.studies.n, 'study', 'studies')}`,
    t.images && `${sumText(t.images)} ${noun(t.images.n, 'image')}`,
  ]
    .filter(Boolean)
    .join(', ');
}

function header(model: BoundedReport): string {
  const r = model.run;
  const findings = SEVERITIES.map((s) => `${model.totals.findings[s]} ${s}`).join(', ');
  return `<header class="top">
<h1>Exposure report · run ${r.id}</h1>
${lead(model)}
<p class="meta"><strong>Status:</strong> ${html(r.status)} · started ${html(r.startedAt)}${r.finishedAt ? ` · finished ${html(r.finishedAt)}` : ''}</p>
<p class="meta"><strong>Scope:</strong> ${html(r.targets.join(', '))} · ports ${html(r.ports.join(', '))}</p>
<p class="meta"><strong>Scanner:</strong> calling AE title <code>${html(r.scanner.callingAeTitle)}</code> · ${html(r.scanner.userAgent)}</p>
<p class="meta"><strong>Findings:</strong> ${html(findings)}</p>
<p class="meta"><strong>Geolocation data:</strong> ${html(geoDatesText(model.geo))}</p>
<nav class="toc"><a href="#figures">Figures</a><a href="#findings">Findings</a><a href="#tables">Tables</a><a href="#services">Services</a></nav>
</header>`;
}

function footer(model: ReportHead): string {
  return `<footer>
<p>Exposure records counts and the names of identifying attributes only: no patient name, identifier, date or image is stored in or shown by this report.</p>
<p>Geolocation data: ${html(geoDatesText(model.geo))}.</p>
${model.geo.credits.map((c) => `<p>${html(c)}</p>`).join('\n')}
</footer>`;
}

export function renderHtml(model: BoundedReport): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Exposure report · run ${model.run.id}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${header(model)}
<section id="figures">
<h2>Key figures</h2>
${keyFigures(model)}
${charts(model)}
</section>
<section id="findings">
<h2>Findings and remediation</h2>
${findingsByRuleTable(model)}
${findingsSection(model)}
</section>
${honeypotSectionHtml(model.totals, model.services)}<section id="tables">
${studyTables(model)}
</section>
<section id="services">
<h2>Services in detail</h2>
${serviceCards(model)}
</section>
${footer(model)}
</main>
</body>
</html>
`;
}
