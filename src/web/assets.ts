/**
 * The dashboard's own files: its stylesheet (beside the report's, which it
 * serves unchanged) and the live view's script. Served from this server,
 * so the policy needs no inline script or style and nothing comes from elsewhere.
 */
import { REPORT_CSS } from '../report/html.ts';

const DASHBOARD_CSS = `
header.bar{display:flex;align-items:center;gap:18px;padding:8px 28px;background:#1a1a1a;color:#fff}
header.bar a{color:#fff;text-decoration:none}header.bar .home{font-weight:700}
.bar-nav{display:flex;gap:14px;flex:1}.logout{margin:0}.logout button{font:inherit;background:none;border:1px solid #888;color:#fff;border-radius:4px;padding:2px 10px;cursor:pointer}
.actions{display:flex;flex-wrap:wrap;gap:14px;margin:10px 0}
.status{font-size:12px;font-weight:600;padding:1px 8px;border-radius:10px;border:1px solid var(--line);vertical-align:middle}
.status.running{color:var(--low);border-color:var(--low)}.status.completed{color:#2f7d32;border-color:#2f7d32}.status.failed,.status.interrupted{color:var(--crit);border-color:var(--crit)}
form.filters{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:end;background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:10px 12px;margin:12px 0}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
form.filters select,form.filters input{font:inherit;font-size:13px;max-width:260px;padding:3px 4px}
form.login{display:flex;flex-direction:column;gap:8px;max-width:420px}form.login input{font:inherit;padding:6px}
button{font:inherit;padding:4px 12px;cursor:pointer}
.problem{color:var(--crit);font-weight:600}
.pager{display:flex;gap:16px}
.chart img{max-width:100%;height:auto}
progress{width:60%;height:18px;vertical-align:middle}
ul.latest{padding-left:18px}ul.latest li{margin:4px 0}
`;

/**
 * Reads the live view's JSON while the run is running and writes its numbers
 * as text (textContent, never innerHTML): a peer's string cannot become markup.
 * Stops when the run ends, when the answer is not one (a logged-out session),
 * or after a day of updates.
 */
const LIVE_JS = `'use strict';
(() => {
  const root = document.querySelector('[data-live]');
  if (!root) return;
  const url = root.getAttribute('data-live');
  const PERIOD_MS = 2000;
  const MAX_UPDATES = 43200;
  const field = (name) => root.querySelector('[data-field="' + name + '"]');
  const text = (name, value) => { const el = field(name); if (el) el.textContent = value; };
  const grouped = (n) => String(n).replace(/\\B(?=(\\d{3})+(?!\\d))/g, ',');
  const LABEL = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'INFO' };
  function latest(items) {
    const list = field('latest');
    if (!list) return;
    list.replaceChildren(...items.map((f) => {
      const li = document.createElement('li');
      const sev = document.createElement('span');
      sev.className = 'sev ' + (LABEL[f.severity] ? f.severity : 'info');
      sev.textContent = LABEL[f.severity] || '';
      const a = document.createElement('a');
      a.href = f.href.startsWith('/runs/') ? f.href : '#';
      const code = document.createElement('code');
      code.textContent = f.endpoint;
      a.append(code);
      li.append(sev, ' ' + f.ruleId + ' ', a, ' ' + f.title);
      return li;
    }));
  }
  function show(s) {
    text('status', s.status);
    const bar = field('progress');
    if (bar && typeof s.percent === 'number') bar.value = s.percent;
    text('percent', typeof s.percent === 'number' ? s.percent + ' %' : '');
    text('done', typeof s.total === 'number' ? grouped(s.hostsDone) + ' of ' + grouped(s.total) : grouped(s.hostsDone));
    text('rate', typeof s.rate === 'number' ? String(s.rate) : '—');
    text('eta', s.eta || '—');
    text('openPorts', grouped(s.openPorts));
    text('services', grouped(s.services));
    text('findings', grouped(s.findings));
    latest(Array.isArray(s.latest) ? s.latest : []);
  }
  let updates = 0;
  async function update() {
    updates += 1;
    let s;
    try {
      const r = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
      if (!r.ok) { text('note', 'Updates stopped: the dashboard answered ' + r.status + ' (log in again to go on).'); return; }
      s = await r.json();
    } catch {
      text('note', 'Updates stopped: the dashboard cannot be reached.');
      return;
    }
    show(s);
    if (s.status === 'running' && updates < MAX_UPDATES) setTimeout(update, PERIOD_MS);
    else text('note', 'This run is not running: these are its final figures.');
  }
  setTimeout(update, PERIOD_MS);
})();
`;

/** A browser asks for an icon on every page; one of our own keeps that request from failing. */
const ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1a1a1a"/><rect x="4" y="4" width="8" height="8" rx="1" fill="#b3261e"/></svg>';

export const ASSETS: Record<string, { type: 'css' | 'js' | 'svg'; body: string }> = {
  '/favicon.ico': { type: 'svg', body: ICON },
  '/assets/icon.svg': { type: 'svg', body: ICON },
  '/assets/report.css': { type: 'css', body: REPORT_CSS },
  '/assets/dashboard.css': { type: 'css', body: DASHBOARD_CSS },
  '/assets/live.js': { type: 'js', body: LIVE_JS },
};
