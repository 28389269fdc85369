/**
 * A run's findings with filters: severity, rule, protocol, country, AS and
 * product (the choices are the run's own breakdown keys), and a search by
 * address or AS. A plain GET form: it works without script, and the URL of
 * a filtered list can be shared.
 */
import { SEVERITIES } from '../../observation/finding.ts';
import type { ReportHead } from '../../report/model.ts';
import type { FindingListRow, RunRow } from '../../store/index.ts';
import { html } from '../../report/html-escape.ts';
import { table } from '../../report/html-sections.ts';
import { endpointText, SEVERITY_LABEL } from '../../report/format.ts';
import { placeText } from '../../report/numbers.ts';
import { queryParams, type FindingQuery } from '../filters.ts';
import { href, page } from './layout.ts';

export interface FindingsView {
  run: RunRow;
  head: ReportHead;
  query: FindingQuery;
  rows: FindingListRow[];
  more: boolean;
  csrf: string;
  /** The dashboard can rescan a finding's endpoint (`exposure verify`): each row gets a button. */
  canVerify: boolean;
}

type Choice = readonly [value: string, label: string];

function select(name: string, label: string, choices: readonly Choice[], chosen: string | undefined): string {
  const options = [['', 'any'] as const, ...choices].map(
    ([value, text]) => `<option value="${html(value)}"${value === (chosen ?? '') ? ' selected' : ''}>${html(text)}</option>`,
  );
  return `<label>${html(label)} <select name="${name}">${options.join('')}</select></label>`;
}

function filterForm(v: FindingsView): string {
  const t = v.head.tables;
  const q = v.query;
  return `<form method="get" action="${href(`/runs/${v.run.id}/findings`)}" class="filters" role="search">
${select('severity', 'Severity', SEVERITIES.map((s) => [s, s] as const), q.severity)}
${select('rule', 'Rule', t.findingsByRule.map((r) => [r.ruleId, `${r.ruleId} ${r.title}`] as const), q.rule)}
${select('protocol', 'Protocol', t.byProtocol.map((r) => [r.key, r.key] as const), q.protocol)}
${select('country', 'Country', t.byCountry.map((r) => [r.key, placeText(r.key)] as const), q.country)}
${select('asn', 'AS', t.byAsn.map((r) => [r.key, placeText(r.key, r.label)] as const), q.asn)}
${select('product', 'Product', t.byProduct.map((r) => [r.key, r.key] as const), q.product)}
<label>Address or AS <input type="search" name="q" value="${html(q.q ?? '')}" placeholder="192.0.2. or AS64500" maxlength="100"></label>
<button type="submit">Filter</button> <a href="${href(`/runs/${v.run.id}/findings`)}">clear</a>
</form>`;
}

function row(v: FindingsView, f: FindingListRow): string[] {
  return [
    `<span class="sev ${f.severity}">${SEVERITY_LABEL[f.severity]}</span>`,
    html(f.ruleId),
    html(f.title),
    `<a href="${href(`/runs/${v.run.id}/services/${f.serviceId}`)}"><code>${html(endpointText(f.ip, f.port))}</code></a>`,
    html(f.protocol),
    html(f.product),
    html(placeText(f.country)),
    html(placeText(f.asn, f.org)),
    html(f.evidence),
    ...(v.canVerify ? [verifyForm(f.id, v.csrf)] : []),
  ];
}

/** A POST form with the session's CSRF token: scans the finding's endpoint again and opens the run it stores. */
function verifyForm(findingId: number, csrf: string): string {
  return `<form method="post" action="${href(`/findings/${findingId}/verify`)}" class="verify"><input type="hidden" name="csrf" value="${html(csrf)}"><button type="submit">Verify</button></form>`;
}

export function findingsPage(v: FindingsView): string {
  const base = `/runs/${v.run.id}/findings`;
  const params = queryParams(v.query);
  const nav = [
    v.query.page > 1 ? `<a href="${href(base, { ...params, page: v.query.page - 1 })}" rel="prev">previous page</a>` : '',
    v.more ? `<a href="${href(base, { ...params, page: v.query.page + 1 })}" rel="next">next page</a>` : '',
  ].filter(Boolean);
  return page({
    title: `Findings of run ${v.run.id}`,
    csrf: v.csrf,
    body: `<h1>Findings of <a href="${href(`/runs/${v.run.id}`)}">run ${v.run.id}</a></h1>
${filterForm(v)}
<p class="note">Page ${v.query.page}${v.rows.length === 0 ? '' : `: ${v.rows.length} finding${v.rows.length === 1 ? '' : 's'}`}.</p>
${table(
  [['Severity', 'l'], ['Rule', 'l'], ['Title', 'l'], ['Service', 'l'], ['Protocol', 'l'], ['Product', 'l'], ['Country / space', 'l'], ['AS', 'l'], ['Evidence', 'l'], ...(v.canVerify ? ([['Still open?', 'l']] as const) : [])],
  v.rows.map((f) => row(v, f)),
  'No finding matches these filters.',
)}
${nav.length > 0 ? `<p class="pager">${nav.join(' · ')}</p>` : ''}`,
  });
}
