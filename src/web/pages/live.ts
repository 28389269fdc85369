/**
 * The live view of a run: progress, rate, time left and the latest findings,
 * rendered here and then kept current by /assets/live.js, which reads
 * live.json every few seconds while the run is running and writes only
 * text into the elements marked data-field (never markup).
 */
import type { RunRow } from '../../store/index.ts';
import { html } from '../../report/html-escape.ts';
import { SEVERITY_LABEL } from '../../report/format.ts';
import { grouped } from '../../report/numbers.ts';
import type { LiveStatus } from '../live.ts';
import { scopeText } from '../scope.ts';
import { href, page } from './layout.ts';

function field(name: string, value: string): string {
  return `<span data-field="${name}">${html(value)}</span>`;
}

function figure(name: string, label: string, value: string): string {
  return `<div class="card"><div class="n">${field(name, value)}</div><div class="l">${html(label)}</div></div>`;
}

function latestList(s: LiveStatus): string {
  return s.latest
    .map((f) => `<li><span class="sev ${f.severity}">${SEVERITY_LABEL[f.severity]}</span> ${html(f.ruleId)} <a href="${html(f.href)}"><code>${html(f.endpoint)}</code></a> ${html(f.title)}</li>`)
    .join('');
}

export function livePage(v: { run: RunRow; status: LiveStatus; csrf: string }): string {
  const s = v.status;
  const id = v.run.id;
  const done = s.total === undefined ? grouped(s.hostsDone) : `${grouped(s.hostsDone)} of ${grouped(s.total)}`;
  return page({
    title: `Run ${id} live`,
    csrf: v.csrf,
    scripts: ['/assets/live.js'],
    body: `<section class="live" data-live="${href(`/runs/${id}/live.json`)}">
<h1>Run ${id}: ${field('status', s.status)}</h1>
<p class="meta"><strong>Scope:</strong> ${html(scopeText(v.run, 400))} · started ${html(s.startedAt)}</p>
<p><progress data-field="progress" max="100"${s.percent === undefined ? '' : ` value="${s.percent}"`}></progress> ${field('percent', s.percent === undefined ? '' : `${s.percent} %`)}</p>
<div class="cards">
${figure('done', 'targets done', done)}
${figure('rate', 'targets a second', s.rate === undefined ? '—' : String(s.rate))}
${figure('eta', 'time left', s.eta ?? '—')}
${figure('openPorts', 'open ports', grouped(s.openPorts))}
${figure('services', 'services', grouped(s.services))}
${figure('findings', 'findings', grouped(s.findings))}
</div>
<h2>Latest findings</h2>
<ul class="latest" data-field="latest">${latestList(s)}</ul>
<p class="note" data-field="note">${s.status === 'running' ? 'Updated every few seconds while the run goes on.' : 'This run is not running: these are its final figures.'}</p>
<p class="actions"><a href="${href(`/runs/${id}`)}">The run's report</a> <a href="${href(`/runs/${id}/findings`)}">All its findings</a></p>
</section>`,
  });
}
