/**
 * How every report says what the honeypot assessment did to its figures, in
 * one wording, and the list of services it found likely or possible.
 */
import type { HoneypotAssessment } from '../observation/honeypot.ts';
import type { ReportTotals, ServiceReport } from './model.ts';
import { plural } from '../observation/count.ts';
import { endpointText } from './format.ts';
import { html } from './html-escape.ts';

/** What a honeypot line says of a service: where it is, and its assessment. */
type Assessed = Pick<ServiceReport, 'ip' | 'port' | 'protocol' | 'honeypot'>;

/** "3 likely honeypots excluded (--keep-honeypots to count them)", or counted; undefined when the run has none. */
export function honeypotNote(totals: Pick<ReportTotals, 'likelyHoneypots'>): string | undefined {
  const h = totals.likelyHoneypots;
  if (!h) return undefined;
  const what = `${h.services} likely ${plural(h.services, 'honeypot')}`;
  return h.counted ? `${what} counted in these figures (--keep-honeypots)` : `${what} excluded (--keep-honeypots to count them)`;
}

/** One service's assessment in words: "likely honeypot (score 100: any-called-ae, honeypot-persona, …)". */
export function honeypotText(h: HoneypotAssessment): string {
  return h.signals.length === 0 ? `${h.level} honeypot (score ${h.score}, no signal)` : `${h.level} honeypot (score ${h.score}: ${h.signals.join(', ')})`;
}

/** A likely or possible honeypot: every format says so beside the service; an unlikely one is not worth a word. */
export function honeypotWorthSaying<S extends Pick<ServiceReport, 'honeypot'>>(s: S): s is S & { honeypot: HoneypotAssessment } {
  return s.honeypot !== undefined && s.honeypot.level !== 'unlikely';
}

/** The services worth a line, in report order. */
function honeypotServices(services: readonly Assessed[]): Array<Assessed & { honeypot: HoneypotAssessment }> {
  return services.filter((s) => honeypotWorthSaying(s));
}

/** The HTML report's section (ending in a newline): the note, then the listed services the assessment found likely or possible; empty when neither. */
export function honeypotSectionHtml(totals: Pick<ReportTotals, 'likelyHoneypots'>, services: readonly Assessed[]): string {
  const note = honeypotNote(totals);
  const listed = honeypotServices(services);
  if (!note && listed.length === 0) return '';
  const rows = listed.map((s) => `<tr><td>${html(endpointText(s.ip, s.port))}</td><td>${html(s.protocol)}</td><td>${html(s.honeypot.level)}</td><td>${s.honeypot.score}</td><td>${html(s.honeypot.signals.join(', '))}</td></tr>`);
  return `<section id="honeypots">
<h2>Honeypots</h2>
${note ? `<p>${html(note)}.</p>` : ''}
${rows.length > 0 ? `<table><thead><tr><th>Service</th><th>Protocol</th><th>Level</th><th>Score</th><th>Signals</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>` : ''}
</section>
`;
}

/** The Markdown report's lines for the same: a heading and a table; none when there is nothing to say. */
export function honeypotSectionMarkdown(totals: Pick<ReportTotals, 'likelyHoneypots'>, services: readonly Assessed[], cell: (s: string) => string): string[] {
  const note = honeypotNote(totals);
  const listed = honeypotServices(services);
  if (!note && listed.length === 0) return [];
  return [
    '## Honeypots',
    '',
    ...(note ? [`${cell(note)}.`, ''] : []),
    ...(listed.length > 0
      ? [
          '| Service | Protocol | Level | Score | Signals |',
          '| --- | --- | --- | ---: | --- |',
          ...listed.map((s) => `| ${cell(endpointText(s.ip, s.port))} | ${s.protocol} | ${s.honeypot.level} | ${s.honeypot.score} | ${s.honeypot.signals.join(', ')} |`),
          '',
        ]
      : []),
  ];
}
