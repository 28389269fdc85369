/** One service of a run: the HTML report's card for it, then each of its findings with evidence and remediation. */
import type { ServiceReport } from '../../report/model.ts';
import type { RunRow } from '../../store/index.ts';
import { html } from '../../report/html-escape.ts';
import { findingsSection, serviceCards } from '../../report/html-sections.ts';
import { endpointText } from '../../report/format.ts';
import { href, page } from './layout.ts';

export function servicePage(v: { run: RunRow; service: ServiceReport; csrf: string }): string {
  const s = v.service;
  // Each finding of this one service, as the report's findings section lays a rule out.
  const rules = s.findings.map((finding) => ({ finding, services: 1, hits: [{ ip: s.ip, port: s.port, protocol: s.protocol, evidence: finding.evidence, proof: finding.proof }] }));
  return page({
    title: `${endpointText(s.ip, s.port)} in run ${v.run.id}`,
    csrf: v.csrf,
    body: `<h1><code>${html(endpointText(s.ip, s.port))}</code> ${html(s.protocol)} · <a href="${href(`/runs/${v.run.id}`)}">run ${v.run.id}</a></h1>
<p class="actions"><a href="${href(`/runs/${v.run.id}/findings`, { q: s.ip })}">All findings of this address</a></p>
${serviceCards({ totals: { services: 1 }, services: [s] })}
<h2>Findings and remediation</h2>
${findingsSection({ rules })}`,
  });
}
