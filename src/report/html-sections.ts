/**
 * The HTML report's sections: the study's tables, findings by rule with
 * remediation, and a detail card for each service the bounded report holds.
 * Every string from the model goes through html() (html-escape.ts).
 */
import type { BreakdownRow } from '../store/index.ts';
import type { ReportBounds } from './bounded.ts';
import { aeText, endpointText, imagesOverText, modalitiesText, moreText, SEVERITY_LABEL } from './format.ts';
import { anchor, html, link } from './html-escape.ts';
import { honeypotText } from './honeypots.ts';
import type { BoundedReport, ReportHead, ReportTotals, RuleHit, ServiceReport } from './model.ts';
import type { Proof } from './proof.ts';
import { grouped, placeText, sumText } from './numbers.ts';

type Align = 'l' | 'r';

/** A page stays readable and mailable for a large scan: the CSV and NDJSON carry every row. */
export const HITS_PER_RULE = 100;
export const SERVICE_CARDS = 500;
/** What the HTML report reads from the store: the cards and each rule's list; it has no file-share list of its own. */
export const HTML_BOUNDS: ReportBounds = { services: SERVICE_CARDS, fileShares: 0, hitsPerRule: HITS_PER_RULE };

function more(n: number, what: string): string {
  return n > 0 ? `<p class="note">${html(moreText(n, what))}</p>` : '';
}

export function table(headers: ReadonlyArray<readonly [string, Align]>, rows: string[][], empty = 'None.'): string {
  if (rows.length === 0) return `<p class="empty">${html(empty)}</p>`;
  const head = headers.map(([h, a]) => `<th class="${a}">${html(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td class="${headers[i]?.[1] ?? 'l'}">${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const BREAKDOWN_HEADERS = [
  ['Hosts', 'r'],
  ['Services', 'r'],
  ['Exposed hosts', 'r'],
  ['Exposed services', 'r'],
  // Summed over the hosts of the row: one person held by two servers counts twice.
  ['Patient records', 'r'],
  ['Studies', 'r'],
  ['Images', 'r'],
] as const;

function breakdownTable(first: string, rows: BreakdownRow[], keyText: (r: BreakdownRow) => string): string {
  return table(
    [[first, 'l'], ...BREAKDOWN_HEADERS],
    rows.map((r) => [
      html(keyText(r)),
      grouped(r.hosts),
      grouped(r.services),
      grouped(r.exposedHosts),
      grouped(r.exposedServices),
      sumText(r.patients),
      sumText(r.studies),
      sumText(r.images),
    ]),
  );
}

function topServersTable(model: ReportHead): string {
  return table(
    [['Server', 'l'], ['Country / space', 'l'], ['AS', 'l'], ['Product', 'l'], ['Exposed services', 'r'], ['Patients', 'r'], ['Studies', 'r'], ['Images', 'r']],
    model.tables.topServers.map((s) => [
      `<code>${html(s.ip)}</code>`,
      html(placeText(s.country)),
      html(s.asn === undefined ? '' : `AS${s.asn}${s.org ? ` ${s.org}` : ''}`),
      html(s.product ?? ''),
      grouped(s.exposedServices),
      sumText(s.patients),
      sumText(s.studies),
      sumText(s.images),
    ]),
    'No exposed servers.',
  );
}

function imagesPerServerTable(model: ReportHead): string {
  const d = model.tables.imagesPerServer;
  const rows = d.buckets.map((b) => [html(`${b.label} images`), grouped(b.servers)]);
  rows.push([html('not counted'), grouped(d.notCounted)]);
  return (
    table([['Images on the server', 'l'], ['Exposed servers', 'r']], rows) +
    `<p class="note">${html(imagesOverText(d))}</p>`
  );
}

function attributesTable(model: ReportHead): string {
  return table(
    [['Identifying attribute', 'l'], ['Tag', 'l'], ['Class', 'l'], ['Services exposing it', 'r'], ['Records', 'r']],
    model.attributes.map((a) => [html(a.keyword), `<code>${html(a.tag)}</code>`, html(a.class), grouped(a.services), grouped(a.records)]),
    'No identifying attribute came back from any service.',
  );
}

/** Findings by rule, each rule linked to its section of the page (or, on the dashboard, to its filtered list: `ruleHref` returns an escaped URL). */
export function findingsByRuleTable(model: ReportHead, ruleHref: (ruleId: string) => string = (id) => `#rule-${anchor(id)}`): string {
  return table(
    [['Severity', 'l'], ['Rule', 'l'], ['Title', 'l'], ['Services', 'r'], ['Hosts', 'r']],
    model.tables.findingsByRule.map((r) => [
      `<span class="sev ${r.severity}">${SEVERITY_LABEL[r.severity]}</span>`,
      `<a href="${ruleHref(r.ruleId)}">${html(r.ruleId)}</a>`,
      html(r.title),
      grouped(r.services),
      grouped(r.hosts),
    ]),
    'No findings.',
  );
}

function endpointLink(s: RuleHit): string {
  const text = endpointText(s.ip, s.port);
  return `<a href="#svc-${anchor(`${s.ip}-${s.port}-${s.protocol}`)}"><code>${html(text)}</code></a>`;
}

/** "How to see it yourself" under one affected endpoint: what the output shows and the command, or why there is none. */
function proofHtml(p: Proof): string {
  if (p.kind === 'none') return `<p class="proof"><strong>How to see it yourself:</strong> no command: ${html(p.reason)}.</p>`;
  return `<div class="proof"><p><strong>How to see it yourself:</strong> ${html(p.shows)}</p><pre><code>${html(p.command)}</code></pre></div>`;
}

export function findingsSection(model: Pick<BoundedReport, 'rules'>): string {
  if (model.rules.length === 0) return '<p class="empty">No findings in this run.</p>';
  return model.rules
    .map(({ finding: f, services, hits }) => {
      const refs = f.references.length > 0 || f.cwe
        ? `<p class="refs"><strong>References:</strong> ${[f.cwe ? html(f.cwe) : '', ...f.references.map(link)].filter(Boolean).join(' · ')}</p>`
        : '';
      return `<article class="finding ${f.severity}" id="rule-${anchor(f.ruleId)}">
<h3><span class="sev ${f.severity}">${SEVERITY_LABEL[f.severity]}</span> ${html(f.ruleId)}: ${html(f.title)}</h3>
<p><strong>Affected (${services}):</strong></p>
<ul>${hits.map((h) => `<li>${endpointLink(h)} — ${html(h.evidence)}${proofHtml(h.proof)}</li>`).join('')}</ul>
${more(services - hits.length, 'affected service')}
<p class="fix"><strong>Remediation:</strong> ${html(f.remediation)}</p>
${refs}
</article>`;
    })
    .join('\n');
}

function place(s: ServiceReport): string {
  if (s.space === undefined) return 'not looked up';
  if (s.space !== 'public') return `${s.space} space`;
  const parts = [s.country ?? 'country unknown', s.asn === undefined ? 'AS unknown' : `AS${s.asn}${s.org ? ` ${s.org}` : ''}`];
  return parts.join(' · ');
}

function detailRow(label: string, value: string | undefined): string {
  return value === undefined || value === '' ? '' : `<tr><th>${html(label)}</th><td>${value}</td></tr>`;
}

/** An optional raw string as a row's escaped value. */
function textRow(label: string, value: string | undefined): string {
  return detailRow(label, value === undefined ? undefined : html(value));
}

function ruleLink(f: { ruleId: string; severity: string }): string {
  return `<a href="#rule-${anchor(f.ruleId)}" class="sev ${f.severity}">${html(f.ruleId)}</a>`;
}

/** The findings another service of the port holds: linked, with the service that holds them. */
function portFindingsCell(s: ServiceReport): string | undefined {
  if (!s.portFindings?.length) return undefined;
  return s.portFindings.map((f) => `${ruleLink(f)} ${html(`${f.title} (kept on the ${f.protocol} service of this port)`)}`).join('<br>');
}

/** The file-share summary (file-share.ts), a line per part: login and TLS, the walk, each share, write access. */
function fileShareCell(s: ServiceReport): string | undefined {
  return s.fileShare === undefined ? undefined : s.fileShare.split(' · ').map(html).join('<br>');
}

/**
 * One card per service the model holds (exposed first when they do not all fit: bounded.ts chose them).
 * The dashboard's service page hands it one service of a run.
 */
export function serviceCards(model: { totals: Pick<ReportTotals, 'services'>; services: readonly ServiceReport[] }): string {
  if (model.totals.services === 0) return '<p class="empty">No services found.</p>';
  const shown = model.services;
  return shown
    .map((s) => {
      const rows = [
        textRow('Where', place(s)),
        textRow('Host name', s.hostname),
        textRow('Protocol', `${s.protocol}${s.tls ? ' over TLS' : ''}`),
        textRow('Status', s.status),
        textRow('Product', s.product),
        textRow('Built on', s.productBuiltOn),
        textRow('TLS', s.certificate),
        textRow('Login', s.login),
        textRow('Access', s.access),
        textRow('Called AE', aeText(s)),
        textRow('C-ECHO', s.echo),
        textRow('C-FIND', s.find === undefined ? undefined : `${s.find}${s.findCapped ? ' (stopped at the record cap)' : ''}`),
        detailRow('Patients · studies · images', `${sumText(s.patients)} · ${sumText(s.studies)} · ${sumText(s.images)}`),
        detailRow('DICOM files · bytes', s.files === undefined && s.bytes === undefined ? undefined : `${sumText(s.files)} · ${sumText(s.bytes)}`),
        detailRow('File share', fileShareCell(s)),
        textRow('Worklist', s.worklist),
        textRow('Modalities', modalitiesText(s, ', ')),
        textRow('Identifying attributes', s.identifyingAttributes.join(', ')),
        textRow('Honeypot', s.honeypot && honeypotText(s.honeypot)),
        textRow('Error', s.error),
        detailRow('Findings', s.findings.map(ruleLink).join(' ')),
        detailRow('Findings on this port', portFindingsCell(s)),
      ].join('');
      const badge = s.exposed
        ? '<span class="badge exposed">exposed</span>'
        : s.highestSeverity
          ? `<span class="badge ${s.highestSeverity}">${html(s.highestSeverity)}</span>`
          : s.portFindings?.length
            ? '<span class="badge none">findings on this port</span>'
            : '<span class="badge none">no findings</span>';
      return `<section class="service" id="svc-${anchor(`${s.ip}-${s.port}-${s.protocol}`)}">
<h3><code>${html(endpointText(s.ip, s.port))}</code> ${html(s.protocol)} ${badge}</h3>
<table class="kv">${rows}</table>
</section>`;
    })
    .join('\n') + more(model.totals.services - shown.length, 'service');
}


/** The study's tables, in the order the report and the dashboard show them. */
export function studyTables(model: ReportHead): string {
  const t = model.tables;
  return `<h2>Exposure by country</h2>
${breakdownTable('Country / space', t.byCountry, (r) => placeText(r.key))}
<h2>Exposure by network (AS and organisation)</h2>
${breakdownTable('Autonomous system', t.byAsn, (r) => placeText(r.key, r.label))}
<h2>Exposure by product and version</h2>
${breakdownTable('Product', t.byProductVersion, (r) => r.key)}
<h2>Exposure by protocol</h2>
${breakdownTable('Protocol', t.byProtocol, (r) => r.key)}
<h2>Top servers by images</h2>
${topServersTable(model)}
<h2>Images per exposed server</h2>
${imagesPerServerTable(model)}
<h2>Identifying attributes exposed</h2>
${attributesTable(model)}`;
}

export { placeText };
