/** `exposure findings` as a terminal table, and as JSON (the lifecycle as it is, FINDINGS_SCHEMA). */
import { counted } from '../observation/count.ts';
import { endpointText } from '../report/format.ts';
import { renderRows, type Column } from '../report/layout.ts';
import type { FindingLifecycle, ScopeLifecycle, Sighting } from './lifecycle.ts';

const COLUMNS: Column[] = [
  { header: 'ID', align: 'right' },
  { header: 'STATUS' },
  { header: 'SEVERITY' },
  { header: 'RULE' },
  { header: 'ENDPOINT', min: 12 },
  { header: 'FIRST SEEN' },
  { header: 'LAST SEEN' },
  { header: 'FIXED / REOPENED' },
  { header: 'TITLE', min: 10 },
];

/** "run 3 · 2026-11-30 05:04" (UTC, to the minute). */
function when(s: Sighting | undefined): string {
  if (!s) return '';
  return `run ${s.run} · ${s.at.slice(0, 16).replace('T', ' ')}`;
}

function cells(f: FindingLifecycle): string[] {
  const change = f.fixed ? `fixed ${when(f.fixed)}` : f.reopened ? `reopened ${when(f.reopened)}` : '';
  const status = f.likelyHoneypot ? `${f.status} · likely honeypot` : f.status;
  return [String(f.id), status, f.severity, f.ruleId, `${endpointText(f.ip, f.port)} ${f.protocol}`, when(f.firstSeen), when(f.lastSeen), change, f.title];
}

export function renderLifecycleTable(l: ScopeLifecycle, width = 160): string {
  const count = (status: FindingLifecycle['status']): number => l.findings.filter((f) => f.status === status).length;
  const head = `${l.scope}: ${counted(l.runs.length, 'completed run')} · ${l.findings.length} findings: ${count('open')} open, ${count('reopened')} reopened, ${count('fixed')} fixed${honeypotNote(l)}`;
  if (l.findings.length === 0) return `${head}\n`;
  const rows = renderRows(COLUMNS, l.findings.map((f) => cells(f).map((text) => ({ text }))), width, (t) => t);
  return `${head}\n\n${rows.join('\n')}\n\nexposure verify ID (or RULE@ADDRESS:PORT) scans one finding's endpoint again.\n`;
}

/** What the list did with findings on likely honeypots, when there were any to leave out or to mark. */
function honeypotNote(l: ScopeLifecycle): string {
  if (l.honeypotsKept) {
    const kept = l.findings.filter((f) => f.likelyHoneypot).length;
    return kept === 0 ? '' : `\n${counted(kept, 'finding')} on likely honeypots listed (--keep-honeypots), marked in STATUS`;
  }
  const n = l.likelyHoneypotsLeftOut;
  return n === 0 ? '' : `\n${counted(n, 'finding')} on likely honeypots left out (--keep-honeypots to list them)`;
}

export function renderLifecycleJson(l: ScopeLifecycle): string {
  return `${JSON.stringify(l, null, 2)}\n`;
}
