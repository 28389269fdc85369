/**
 * A scope over time: every run of the same targets and ports, with its
 * exposed services, patient records and critical findings, as a table and
 * two charts, each run linked to its changes since the one before.
 */
import type { BarChart } from '../../report/charts.ts';
import type { RunRow, RunTotals } from '../../store/index.ts';
import { html } from '../../report/html-escape.ts';
import { table } from '../../report/html-sections.ts';
import { grouped, sumText } from '../../report/numbers.ts';
import { scopeText } from '../scope.ts';
import { href, page } from './layout.ts';

/** Runs a timeline shows: the latest of the scope. */
export const TIMELINE_RUNS = 60;

export interface TimelinePoint {
  run: RunRow;
  totals: RunTotals;
}

export function timelineCharts(points: readonly TimelinePoint[]): BarChart[] {
  const categories = points.map((p) => `run ${p.run.id}`);
  return [
    {
      id: 'timeline-exposure',
      title: 'Exposed services and critical findings per run',
      categories,
      series: [
        { name: 'exposed services', values: points.map((p) => p.totals.exposedServices), color: '#b3261e' },
        { name: 'critical findings', values: points.map((p) => p.totals.findings.critical), color: '#d9480f' },
      ],
    },
    {
      id: 'timeline-patients',
      title: 'Patient records reachable per run (summed over servers)',
      categories,
      series: [{ name: 'patient records', values: points.map((p) => p.totals.patients?.n ?? 0), color: '#2b6cb0' }],
    },
  ];
}

export function timelinePage(v: { run: RunRow; points: TimelinePoint[]; earlier: number; csrf: string }): string {
  const rows = v.points.map((p, i) => {
    const before = v.points[i - 1];
    return [
      `<a href="${href(`/runs/${p.run.id}`)}">run ${p.run.id}</a>`,
      html(p.run.startedAt),
      `<span class="status ${html(p.run.status)}">${html(p.run.status)}</span>`,
      grouped(p.totals.services),
      grouped(p.totals.exposedServices),
      sumText(p.totals.patients),
      grouped(p.totals.findings.critical),
      grouped(p.totals.findings.high),
      before ? `<a href="${href('/diff', { from: before.run.id, to: p.run.id })}">since run ${before.run.id}</a>` : '',
    ];
  });
  const charts = timelineCharts(v.points).map(
    (c, i) => `<figure class="chart"><img src="${href(`/runs/${v.run.id}/timeline/${i}.svg`)}" alt="${html(c.title)}" width="560"></figure>`,
  );
  return page({
    title: `Scope of run ${v.run.id} over time`,
    csrf: v.csrf,
    body: `<h1>This scope over time</h1>
<p class="meta"><strong>Scope:</strong> ${html(scopeText(v.run, 400))}</p>
${v.earlier > 0 ? `<p class="note">${grouped(v.earlier)} earlier run${v.earlier === 1 ? '' : 's'} of this scope not shown.</p>` : ''}
<div class="charts">${charts.join('\n')}</div>
${table(
  [['Run', 'l'], ['Started', 'l'], ['Status', 'l'], ['Services', 'r'], ['Exposed services', 'r'], ['Patient records', 'r'], ['Critical findings', 'r'], ['High findings', 'r'], ['Changes', 'l']],
  rows,
)}`,
  });
}
