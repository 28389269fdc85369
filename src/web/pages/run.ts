/**
 * A run: the report's headline and key figures, its charts (each an image
 * this server renders), findings by rule linked to the filtered list, and
 * the study's tables — the same sections as the HTML report, from the same
 * model.
 */
import type { ReportHead } from '../../report/model.ts';
import type { RunRow } from '../../store/index.ts';
import { html } from '../../report/html-escape.ts';
import { keyFigures, lead, studyCharts } from '../../report/html.ts';
import { attributesTable, breakdownTable, imagesPerServerTable, table, topServersTable } from '../../report/html-sections.ts';
import { SEVERITY_LABEL } from '../../report/format.ts';
import { grouped, placeText } from '../../report/numbers.ts';
import { scopeText } from '../scope.ts';
import { href, page } from './layout.ts';

export interface RunView {
  run: RunRow;
  head: ReportHead;
  /** The run of the same scope before this one, to diff with. */
  previous?: RunRow;
  csrf: string;
}

function actions(v: RunView): string {
  const id = v.run.id;
  const links = [
    `<a href="${href(`/runs/${id}/findings`)}">Findings</a>`,
    `<a href="${href(`/runs/${id}/live`)}">Live view</a>`,
    `<a href="${href(`/runs/${id}/timeline`)}">This scope over time</a>`,
    v.previous ? `<a href="${href('/diff', { from: v.previous.id, to: id })}">Changes since run ${v.previous.id}</a>` : '',
  ];
  return `<nav class="actions">${links.filter(Boolean).join('')}</nav>`;
}

function charts(v: RunView): string {
  const figures = studyCharts(v.head).map(
    (c, i) => `<figure class="chart"><img src="${href(`/runs/${v.run.id}/charts/${i}.svg`)}" alt="${html(c.title)}" width="560"></figure>`,
  );
  return `<div class="charts">${figures.join('\n')}</div>`;
}

function rules(v: RunView): string {
  return table(
    [['Severity', 'l'], ['Rule', 'l'], ['Title', 'l'], ['Services', 'r'], ['Hosts', 'r']],
    v.head.tables.findingsByRule.map((r) => [
      `<span class="sev ${r.severity}">${SEVERITY_LABEL[r.severity]}</span>`,
      `<a href="${href(`/runs/${v.run.id}/findings`, { rule: r.ruleId })}">${html(r.ruleId)}</a>`,
      html(r.title),
      grouped(r.services),
      grouped(r.hosts),
    ]),
    'No findings.',
  );
}

export function runPage(v: RunView): string {
  const r = v.run;
  const t = v.head.tables;
  return page({
    title: `Run ${r.id}`,
    csrf: v.csrf,
    body: `<header class="top">
<h1>Run ${r.id} <span class="status ${html(r.status)}">${html(r.status)}</span></h1>
${lead(v.head)}
<p class="meta"><strong>Scope:</strong> ${html(scopeText(r, 400))}</p>
<p class="meta"><strong>Started</strong> ${html(r.startedAt)}${r.finishedAt ? ` · <strong>finished</strong> ${html(r.finishedAt)}` : ''}</p>
<p class="meta"><strong>Scanner:</strong> calling AE title <code>${html(r.meta.scanner.callingAeTitle)}</code> · ${html(r.meta.scanner.userAgent)}</p>
${actions(v)}
</header>
<section id="figures">
<h2>Key figures</h2>
${keyFigures(v.head)}
${charts(v)}
</section>
<section id="rules">
<h2>Findings by rule</h2>
${rules(v)}
</section>
<section id="tables">
<h2>Exposure by country</h2>
${breakdownTable('Country / space', t.byCountry, (row) => placeText(row.key))}
<h2>Exposure by network (AS and organisation)</h2>
${breakdownTable('Autonomous system', t.byAsn, (row) => placeText(row.key, row.label))}
<h2>Exposure by product and version</h2>
${breakdownTable('Product', t.byProductVersion, (row) => row.key)}
<h2>Exposure by protocol</h2>
${breakdownTable('Protocol', t.byProtocol, (row) => row.key)}
<h2>Top servers by images</h2>
${topServersTable(v.head)}
<h2>Images per exposed server</h2>
${imagesPerServerTable(v.head)}
<h2>Identifying attributes exposed</h2>
${attributesTable(v.head)}
</section>`,
  });
}
