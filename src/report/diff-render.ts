/** The diff as a terminal text, Markdown for a ticket, or JSON (schema exposure-diff/1). */
import { markdownText as md, terminalText as t } from './escape.ts';
import { honeypotsLeftOut, honeypotsNamed, type CountChange, type DiffEndpoint, type DiffFinding, type DiffHoneypot, type RunDiff, type ServiceChange } from './diff.ts';
import { endpointText, SEVERITY_LABEL } from './format.ts';
import { honeypotText } from './honeypots.ts';
import { safeJson } from './json.ts';
import { counted } from '../observation/count.ts';
import { grouped } from './numbers.ts';

function where(e: DiffEndpoint): string {
  return `${endpointText(e.ip, e.port)} ${e.protocol}${e.product ? ` (${e.product})` : ''}`;
}

function countChange(label: string, c: CountChange | undefined): string | undefined {
  if (!c) return undefined;
  const v = (n: number | undefined): string => (n === undefined ? 'not counted' : grouped(n));
  return `${label} ${v(c.from)} → ${v(c.to)}`;
}

/** "patients 10 → 12, images 900 → 1,000": the counts of one service that moved. */
export function changeText(c: ServiceChange): string {
  return [countChange('patients', c.patients), countChange('studies', c.studies), countChange('images', c.images)].filter(Boolean).join(', ');
}

function finding(f: DiffFinding): string {
  return `${SEVERITY_LABEL[f.severity]} ${f.ruleId} ${endpointText(f.ip, f.port)}: ${f.title}`;
}

interface Section {
  title: string;
  lines: string[];
  /** How many the section names, when a line may stand for several (the honeypots in both runs); else one a line. */
  count?: number;
}

/** One line per likely honeypot that came, went or changed level, then how many stayed likely. */
export function honeypotLines(d: RunDiff): string[] {
  const h = d.honeypots;
  const line = (what: string, e: DiffHoneypot): string => `${what}: ${where(e)}${e.honeypot ? `, ${honeypotText(e.honeypot)}` : ''}`;
  return [
    ...h.appeared.map((e) => line('appeared', e)),
    ...h.gone.map((e) => line('gone', e)),
    ...h.becameLikely.map((e) => `${line('became likely', e)}; its findings left out of both runs`),
    ...h.noLongerLikely.map((e) => `${line('no longer likely', e)}; compared as a new service`),
    ...(h.stillLikely > 0 ? [`${counted(h.stillLikely, 'likely honeypot')} in both runs, left out`] : []),
  ];
}

function sections(d: RunDiff): Section[] {
  // Kept as archives, likely honeypots are in the lists above and have no section.
  const honeypots = d.honeypotsKept ? [] : [{ title: 'Likely honeypots', lines: honeypotLines(d), count: honeypotsNamed(d) }];
  return [
    { title: 'New exposures', lines: d.newExposures.map(where) },
    { title: 'Fixed', lines: d.fixed.map((f) => `${where(f)}: ${f.how === 'locked' ? 'no longer answers queries' : 'no longer reachable'}`) },
    { title: 'New findings', lines: d.newFindings.map(finding) },
    { title: 'Resolved findings', lines: d.resolvedFindings.map(finding) },
    { title: 'Changed counts', lines: d.changedCounts.map((c) => `${where(c)}: ${changeText(c)}`) },
    { title: 'New services', lines: d.newServices.map(where) },
    { title: 'Services gone', lines: d.goneServices.map(where) },
    ...honeypots,
  ];
}

const SCOPE_NOTE = 'Note: the two runs were given different targets or ports; a service "gone" may simply not have been scanned the second time.';

function headline(d: RunDiff): string {
  const counts = [
    counted(d.newExposures.length, 'new exposure'),
    `${d.fixed.length} fixed`,
    `${counted(d.newFindings.length, 'new finding')} (${d.newCritical} critical)`,
    `${d.resolvedFindings.length} resolved`,
    `${counted(d.changedCounts.length, 'service')} with changed counts`,
  ];
  return `${d.scopeDiffers ? `${SCOPE_NOTE}\n` : ''}Run ${d.from.run} → run ${d.to.run}: ${counts.join(', ')}${honeypotNote(d)}`;
}

/** What the lists did with likely honeypots, when there were any (a diff that kept them says so either way). */
function honeypotNote(d: RunDiff): string {
  if (d.honeypotsKept) return '\nLikely honeypots are compared as archives (--keep-honeypots).';
  const n = honeypotsLeftOut(d);
  return n === 0 ? '' : `\n${counted(n, 'likely honeypot')} left out of these lists (--keep-honeypots to compare them as archives).`;
}

export function renderDiffTable(d: RunDiff): string {
  const out = [...headline(d).split('\n').map(t), ''];
  for (const s of sections(d)) {
    out.push(`${s.title} (${s.count ?? s.lines.length})`);
    out.push(...(s.lines.length === 0 ? ['  none'] : s.lines.map((l) => `  ${t(l)}`)), '');
  }
  return out.join('\n');
}

export function renderDiffMarkdown(d: RunDiff): string {
  const out = [`# Exposure diff: run ${d.from.run} → run ${d.to.run}`, '', ...headline(d).split('\n').flatMap((l) => [md(l), '']), ''];
  for (const s of sections(d)) {
    out.push(`## ${s.title} (${s.count ?? s.lines.length})`, '');
    out.push(...(s.lines.length === 0 ? ['None.'] : s.lines.map((l) => `- ${md(l)}`)), '');
  }
  return out.join('\n');
}

export function renderDiffJson(d: RunDiff): string {
  return `${safeJson(d, 2)}\n`;
}
