/**
 * The difference between two runs (report/diff.ts, streamed from the store):
 * new exposures first, then what was fixed, findings that appeared or went
 * away, changed counts and services that came or went. Each list shows its
 * first entries; the counts say how many there are. Likely honeypots are in
 * none of them: the dashboard leaves them out, lists them apart and says so.
 */
import { honeypotsLeftOut, honeypotsNamed, type DiffEndpoint, type DiffFinding, type RunDiff } from '../../report/diff.ts';
import { changeText, honeypotLines } from '../../report/diff-render.ts';
import type { RunRow } from '../../store/index.ts';
import { html } from '../../report/html-escape.ts';
import { endpointText, moreText, SEVERITY_LABEL } from '../../report/format.ts';
import { grouped } from '../../report/numbers.ts';
import { href, page } from './layout.ts';

/** Entries a section lists; the rest is counted. */
const DIFF_LIST_BOUND = 500;

export interface DiffView {
  runs: RunRow[];
  from?: number;
  to?: number;
  diff?: RunDiff;
  csrf: string;
}

function runChoice(name: string, label: string, runs: readonly RunRow[], chosen: number | undefined): string {
  const options = runs.map((r) => `<option value="${r.id}"${r.id === chosen ? ' selected' : ''}>run ${r.id} · ${html(r.startedAt)} · ${html(r.status)}</option>`);
  return `<label>${html(label)} <select name="${name}">${options.join('')}</select></label>`;
}

function where(to: number, e: DiffEndpoint): string {
  const link = `<a href="${href(`/runs/${to}/findings`, { q: e.ip })}"><code>${html(endpointText(e.ip, e.port))}</code></a>`;
  return `${link} ${html(e.protocol)}${e.product ? ` (${html(e.product)})` : ''}`;
}

function finding(to: number, f: DiffFinding): string {
  return `<span class="sev ${f.severity}">${SEVERITY_LABEL[f.severity]}</span> ${html(f.ruleId)} ${where(to, f)}: ${html(f.title)}`;
}

function section(id: string, title: string, items: string[], count = items.length): string {
  const shown = items.slice(0, DIFF_LIST_BOUND);
  const list = shown.length === 0 ? '<p class="empty">None.</p>' : `<ul>${shown.map((i) => `<li>${i}</li>`).join('')}</ul>`;
  const more = items.length > shown.length ? `<p class="note">${html(moreText(items.length - shown.length, 'entries'))}</p>` : '';
  return `<section id="${id}"><h2>${html(title)} (${grouped(count)})</h2>${list}${more}</section>`;
}

/** The likely honeypots' section, and the note that the lists above leave them out; none when the runs had none. */
function honeypots(d: RunDiff): string {
  const left = honeypotsLeftOut(d);
  const count = honeypotsNamed(d);
  if (count === 0) return '';
  const note = left > 0 ? `<p class="note">${html(`${grouped(left)} likely ${left === 1 ? 'honeypot' : 'honeypots'} left out of the lists above.`)}</p>` : '';
  return `\n${note}${section('honeypots', 'Likely honeypots', honeypotLines(d).map(html), count)}`;
}

function result(d: RunDiff): string {
  const to = d.to.run;
  const scope = d.scopeDiffers
    ? '<p class="lead alert">The two runs were given different targets or ports: a service "gone" may simply not have been scanned the second time.</p>'
    : '';
  return `${scope}<p class="lead${d.newCritical > 0 ? ' alert' : ''}">Run ${d.from.run} → run ${to}: ${d.newExposures.length} new exposures, ${d.fixed.length} fixed, ${d.newFindings.length} new findings (${d.newCritical} critical), ${d.resolvedFindings.length} resolved.</p>
${section('new-exposures', 'New exposures', d.newExposures.map((e) => where(to, e)))}
${section('fixed', 'Fixed', d.fixed.map((e) => `${where(to, e)}: ${e.how === 'locked' ? 'no longer answers queries' : 'no longer reachable'}`))}
${section('new-findings', 'New findings', d.newFindings.map((f) => finding(to, f)))}
${section('resolved-findings', 'Resolved findings', d.resolvedFindings.map((f) => finding(to, f)))}
${section('changed-counts', 'Changed counts', d.changedCounts.map((c) => `${where(to, c)}: ${html(changeText(c))}`))}
${section('new-services', 'New services', d.newServices.map((e) => where(to, e)))}
${section('gone-services', 'Services gone', d.goneServices.map((e) => where(to, e)))}${honeypots(d)}`;
}

export function diffPage(v: DiffView): string {
  const form = v.runs.length < 2
    ? '<p class="empty">A comparison needs two runs in this store.</p>'
    : `<form method="get" action="/diff" class="filters">
${runChoice('from', 'From', v.runs, v.from ?? v.runs.at(-2)?.id)}
${runChoice('to', 'To', v.runs, v.to ?? v.runs.at(-1)?.id)}
<button type="submit">Compare</button>
</form>`;
  return page({
    title: v.diff ? `Run ${v.diff.from.run} → run ${v.diff.to.run}` : 'Compare runs',
    csrf: v.csrf,
    body: `<h1>Compare runs</h1>\n${form}\n${v.diff ? result(v.diff) : ''}`,
  });
}
