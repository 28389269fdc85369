/** The runs list: newest first, each with its status, scope and figures. */
import type { RunRow, RunTotals } from '../../store/index.ts';
import { html } from '../../report/html-escape.ts';
import { table } from '../../report/html-sections.ts';
import { grouped, sumText } from '../../report/numbers.ts';
import { scopeText } from '../scope.ts';
import { href, page } from './layout.ts';

export interface RunListItem {
  run: RunRow;
  /** Summed from the store; undefined while the run is running (its live view has the counters). */
  totals?: RunTotals;
}

export interface RunsView {
  items: RunListItem[];
  /** 1-based page number, and whether older runs follow. */
  page: number;
  more: boolean;
  csrf: string;
}

function status(run: RunRow): string {
  const label = `<span class="status ${html(run.status)}">${html(run.status)}</span>`;
  return run.status === 'running' ? `${label} <a href="${href(`/runs/${run.id}/live`)}">live view</a>` : label;
}

function figures(item: RunListItem): string[] {
  const t = item.totals;
  const hosts = item.run.summary ? `${grouped(item.run.summary.hostsDone)} / ${grouped(item.run.summary.targetsTotal)}` : grouped(item.run.hostsRecorded);
  if (!t) return [hosts, '—', '—', '—', '—'];
  return [hosts, grouped(t.services), grouped(t.exposedServices), sumText(t.patients), grouped(t.findings.critical)];
}

export function runsPage(v: RunsView): string {
  const rows = v.items.map((item) => [
    `<a href="${href(`/runs/${item.run.id}`)}">run ${item.run.id}</a>`,
    status(item.run),
    html(item.run.startedAt),
    html(scopeText(item.run)),
    ...figures(item),
    `<a href="${href(`/runs/${item.run.id}/timeline`)}">timeline</a>`,
  ]);
  const nav = [
    v.page > 1 ? `<a href="${href('/', { page: v.page - 1 })}">newer runs</a>` : '',
    v.more ? `<a href="${href('/', { page: v.page + 1 })}">older runs</a>` : '',
  ].filter(Boolean);
  return page({
    title: 'Runs',
    csrf: v.csrf,
    body: `<h1>Runs</h1>
${table(
  [['Run', 'l'], ['Status', 'l'], ['Started', 'l'], ['Scope', 'l'], ['Hosts done / targets', 'r'], ['Services', 'r'], ['Exposed services', 'r'], ['Patient records', 'r'], ['Critical findings', 'r'], ['Scope over time', 'l']],
  rows,
  'No runs yet: run "exposure scan" with this store.',
)}
${nav.length > 0 ? `<p class="pager">${nav.join(' · ')}</p>` : ''}`,
  });
}
