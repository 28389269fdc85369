/**
 * A run: the report's headline and key figures, its charts (each an image
 * this server renders), findings by rule linked to the filtered list, and
 * the study's tables — the same sections as the HTML report, from the same
 * model.
 */
import type { ExposedAccess, ReportHead } from '../../report/model.ts';
import type { RunRow } from '../../store/index.ts';
import { html } from '../../report/html-escape.ts';
import { keyFigures, lead, studyCharts } from '../../report/html.ts';
import { findingsByRuleTable, studyTables } from '../../report/html-sections.ts';
import { honeypotNote } from '../../report/honeypots.ts';
import { scopeText } from '../scope.ts';
import { href, page } from './layout.ts';

export interface RunView {
  run: RunRow;
  head: ReportHead;
  /** Who can read its exposed services: anyone, or only with a vendor's default login. */
  access: ExposedAccess;
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

/** The reports' line on likely honeypots left out of (or kept in) the figures below it; nothing when the run has none. */
function honeypotLine(v: RunView): string {
  const note = honeypotNote(v.head.totals);
  return note ? `<p class="meta honeypots"><strong>Honeypots:</strong> ${html(note)}</p>\n` : '';
}

export function runPage(v: RunView): string {
  const r = v.run;
  return page({
    title: `Run ${r.id}`,
    csrf: v.csrf,
    body: `<header class="top">
<h1>Run ${r.id} <span class="status ${html(r.status)}">${html(r.status)}</span></h1>
${lead({ ...v.head, exposedAccess: v.access })}
<p class="meta"><strong>Scope:</strong> ${html(scopeText(r, 400))}</p>
<p class="meta"><strong>Started</strong> ${html(r.startedAt)}${r.finishedAt ? ` · <strong>finished</strong> ${html(r.finishedAt)}` : ''}</p>
<p class="meta"><strong>Scanner:</strong> calling AE title <code>${html(r.meta.scanner.callingAeTitle)}</code> · ${html(r.meta.scanner.userAgent)}</p>
${actions(v)}
</header>
<section id="figures">
<h2>Key figures</h2>
${honeypotLine(v)}${keyFigures(v.head)}
${charts(v)}
</section>
<section id="rules">
<h2>Findings by rule</h2>
${findingsByRuleTable(v.head, (ruleId) => href(`/runs/${v.run.id}/findings`, { rule: ruleId }))}
</section>
<section id="tables">
${studyTables(v.head)}
</section>`,
  });
}
