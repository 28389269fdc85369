/**
 * One port, several services: the demo's Orthanc behind its documented
 * default login answers on 8042 as a portal, a REST API and DICOMweb, and
 * the login finding is stored once, on the portal. Every exposed service of
 * the port must still carry it on its card (without counting it twice), and
 * the headline and letter must say these records needed the vendor's
 * default password while another server's were open to anyone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assess } from '../../src/assess/assess.ts';
import type { Observation } from '../../src/observation/observation.ts';
import { recordParameters } from '../../src/scan/run-parameters.ts';
import type { HostResult } from '../../src/store/index.ts';
import { renderMarkdown, renderTable, summarise, summariseBounded, type BoundedReport, type ReportModel, type ServiceReport } from '../../src/report/index.ts';
import { renderHtml } from '../../src/report/html.ts';
import { HTML_BOUNDS } from '../../src/report/html-sections.ts';
import { MARKDOWN_BOUNDS } from '../../src/report/markdown.ts';
import { buildPacks } from '../../src/report/packs.ts';
import { SQLITE, type TestStore } from '../store/engines.ts';
import { requested } from '../scan/parameters.ts';
import { defaultLoginOrthanc, defaultLoginPortal, defaultLoginQido, openOrthanc, openPortal, openQido } from '../fixtures/web-observations.ts';

const DEFAULT_LOGIN = '127.0.0.11';
const OPEN = '127.0.0.2';

const at = (ip: string, o: Observation): Observation => ({ ...o, endpoint: { ...o.endpoint, ip } });

/** A host as the scan stores it: a rule that fires on several services of one port is kept on the first (scan/run-scan.ts). */
function host(ip: string, observations: Observation[]): HostResult {
  const fired = new Set<string>();
  return {
    ip,
    services: observations.map((o) => ({
      observation: at(ip, o),
      findings: assess(at(ip, o)).filter((f) => !fired.has(`${f.ruleId}@${o.endpoint.port}`) && fired.add(`${f.ruleId}@${o.endpoint.port}`) !== undefined),
    })),
  };
}

async function demoStore(hosts: HostResult[]): Promise<{ t: TestStore; runId: number }> {
  const t = await SQLITE.create();
  const parameters = recordParameters(requested({ targets: { kind: 'specs', specs: ['127.0.0.2-127.0.0.15'] }, ports: [8042], checkLogins: true }));
  const runId = await t.store.startRun({ targets: ['127.0.0.2-127.0.0.15'], ports: [8042], options: { parameters }, scanner: { callingAeTitle: 'EXPOSURE', userAgent: 'Exposure/test' } });
  for (const h of hosts) await t.store.recordHost(runId, h);
  await t.store.finishRun(runId, { targetsTotal: 14, hostsDone: 14, openPorts: hosts.length, excluded: 0, status: 'completed' });
  return { t, runId };
}

const service = (services: readonly ServiceReport[], ip: string, protocol: string): ServiceReport => {
  const s = services.find((x) => x.ip === ip && x.protocol === protocol);
  assert.ok(s, `${protocol} on ${ip} is in the list`);
  return s;
};

describe('a finding of a port shared by a portal, a REST API and DICOMweb', () => {
  let store: { t: TestStore; runId: number };
  let model: ReportModel;
  let bounded: BoundedReport;

  before(async () => {
    store = await demoStore([
      host(OPEN, [openPortal, openOrthanc, openQido]),
      host(DEFAULT_LOGIN, [defaultLoginPortal, defaultLoginOrthanc, defaultLoginQido]),
    ]);
    model = await summarise(store.t.store, store.runId);
    bounded = await summariseBounded(store.t.store, store.runId, HTML_BOUNDS);
  });
  after(() => store?.t.cleanup());

  it('is stored once, on the portal, as the scan keeps it', () => {
    const held = model.services.filter((s) => s.ip === DEFAULT_LOGIN && s.findings.some((f) => f.ruleId === 'EXP-WEB-004'));
    assert.deepEqual(held.map((s) => s.protocol), ['portal']);
    assert.deepEqual(service(model.services, DEFAULT_LOGIN, 'dicomweb').findings, []);
  });

  it('shows on the card of every other service of the port, naming the service that holds it, in the streamed and the bounded model', () => {
    for (const services of [model.services, bounded.services]) {
      for (const protocol of ['orthanc', 'dicomweb']) {
        const s = service(services, DEFAULT_LOGIN, protocol);
        assert.ok(s.exposed, `${protocol} is exposed`);
        const f = s.portFindings?.find((x) => x.ruleId === 'EXP-WEB-004');
        assert.deepEqual(f && { severity: f.severity, protocol: f.protocol }, { severity: 'critical', protocol: 'portal' });
      }
      // The portal holds it itself: no port finding repeats it there; another host's port lends nothing.
      assert.equal(service(services, DEFAULT_LOGIN, 'portal').portFindings?.some((f) => f.ruleId === 'EXP-WEB-004') ?? false, false);
      assert.ok(service(services, OPEN, 'dicomweb').portFindings?.every((f) => f.ruleId !== 'EXP-WEB-004') ?? true);
    }
  });

  it('is counted once in the totals', () => {
    const stored = model.services.flatMap((s) => s.findings).filter((f) => f.severity === 'critical').length;
    assert.equal(model.totals.findings.critical, stored);
    assert.equal(bounded.totals.findings.critical, stored);
    assert.equal(bounded.rules.find((r) => r.finding.ruleId === 'EXP-WEB-004')?.services, 1);
  });

  it('appears on the HTML card, in the Markdown row and under the terminal row of the DICOMweb service', () => {
    const html = renderHtml(bounded);
    const card = html.slice(html.indexOf(`id="svc-127-0-0-11-8042-dicomweb"`));
    const body = card.slice(0, card.indexOf('</section>'));
    assert.match(body, /<th>Findings on this port<\/th><td><a href="#rule-exp-web-004" class="sev critical">EXP-WEB-004<\/a> Login accepts a blank or vendor-default credential \(kept on the portal service of this port\)/);
    assert.match(body, /<th>Access<\/th><td>vendor-default login accepted \(user orthanc\)<\/td>/);
    assert.match(body, /<th>Login<\/th><td>HTTP Basic, realm &quot;Orthanc Secure Area&quot;<\/td>/);

    const md = renderMarkdown(bounded);
    const row = md.split('\n').find((l) => l.startsWith('| 127.0.0.11:8042 | dicomweb |'));
    assert.match(row ?? '', /on this port: EXP-WEB-004 \(on the portal service\)/);

    const table = renderTable(bounded, { color: false, width: 200 });
    assert.match(table, /finding on this port: EXP-WEB-004 \(on the portal service\)/);
  });

  it('the headline says who can read the records: anyone, and for two services only with the vendor default password', () => {
    assert.deepEqual(bounded.exposedAccess, { withDefaultLogin: 2, withBlankLogin: 0, atLeast: false });
    assert.match(renderHtml(bounded), /4 services on 2 servers hand patient records to anyone who asks, 2 of them only with the vendor&#39;s default password\./);
    assert.match(renderMarkdown(bounded), /\*\*Who can read them:\*\* anyone who asks, 2 of them only with the vendor's default password/);
  });

  it('reads the exposed web services it did not list to tell how they were reached', async () => {
    const short = await summariseBounded(store.t.store, store.runId, { ...MARKDOWN_BOUNDS, services: 1 });
    assert.equal(short.services.length, 1);
    assert.deepEqual(short.exposedAccess, { withDefaultLogin: 2, withBlankLogin: 0, atLeast: false });
  });

  it('the letter tells the unauthenticated from the default-password services, has a protocol column and lists the login check', () => {
    const [pack] = buildPacks(model);
    const letter = pack!.files[0]!.content;
    assert.match(letter, /4 of them returned patient-level study records: 2 to an unauthenticated query, 2 only with the vendor's default password\./);
    assert.match(letter, /^\| Endpoint \| Protocol \| Product \|/m);
    assert.match(letter, /^\| 127\.0\.0\.11:8042 \| dicomweb \| .* \| yes \| CRITICAL \(on this port\) \|$/m);
    assert.match(letter, /- Web logins \(--check-logins\): tried a blank user name and password, then the vendors' documented default accounts/);
  });
});

describe('a run whose only exposed services needed the default login', () => {
  let store: { t: TestStore; runId: number };
  after(() => store?.t.cleanup());

  it('says so in the headline, not "anyone who asks"', async () => {
    store = await demoStore([host(DEFAULT_LOGIN, [defaultLoginPortal, defaultLoginOrthanc, defaultLoginQido])]);
    const bounded = await summariseBounded(store.t.store, store.runId, HTML_BOUNDS);
    const html = renderHtml(bounded);
    assert.match(html, /2 services on 1 server hand patient records to anyone with the vendor&#39;s default password\./);
    assert.doesNotMatch(html, /anyone who asks/);
    const letter = buildPacks(await summarise(store.t.store, store.runId))[0]!.files[0]!.content;
    assert.match(letter, /2 of them returned patient-level study records, only with the vendor's default password\./);
    assert.doesNotMatch(letter, /unauthenticated/);
  });
});
