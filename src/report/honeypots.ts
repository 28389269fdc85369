/**
 * How every report says what the honeypot assessment did to its figures, in
 * one wording, and the list of services it found likely or possible.
 */
import type { HoneypotAssessment } from '../observation/honeypot.ts';
import type { ReportTotals, ServiceReport } from './model.ts';
import { plural } from '../observation/count.ts';
import { html } from './html-escape.ts';

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

/** The services worth a line: likely and possible honeypots, in report order. */
export function honeypotServices(services: readonly ServiceReport[]): ServiceReport[] {
  return services.filter((s) => s.honeypot && s.honeypot.level !== 'unlikely');
}

/** The HTML report's section (ending in a newline): the note, then the listed services the assessment found likely or possible; empty when neither. */
export function honeypotSectionHtml(totals: Pick<ReportTotals, 'likelyHoneypots'>, services: readonly ServiceReport[]): string {
  const note = honeypotNote(totals);
  const listed = honeypotServices(services);
  if (!note && listed.length === 0) return '';
  const rows = listed.map((s) => `<tr><td>${html(`${s.ip}:${s.port}`)}</td><td>${html(s.protocol)}</td><td>${html(s.honeypot!.level)}</td><td>${s.honeypot!.score}</td><td>${html(s.honeypot!.signals.join(', '))}</td></tr>`);
  return `<section id="honeypots">
<h2>Honeypots</h2>
${note ? `<p>${html(note)}.</p>` : ''}
${rows.length > 0 ? `<table><thead><tr><th>Service</th><th>Protocol</th><th>Level</th><th>Score</th><th>Signals</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>` : ''}
</section>
`;
}

/** The Markdown report's lines for the same: a heading and a table; none when there is nothing to say. */
export function honeypotSectionMarkdown(totals: Pick<ReportTotals, 'likelyHoneypots'>, services: readonly ServiceReport[], cell: (s: string) => string): string[] {
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
          ...listed.map((s) => `| ${cell(`${s.ip}:${s.port}`)} | ${s.protocol} | ${s.honeypot!.level} | ${s.honeypot!.score} | ${s.honeypot!.signals.join(', ')} |`),
          '',
        ]
      : []),
  ];
}
