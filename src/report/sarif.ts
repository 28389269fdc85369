/**
 * SARIF 2.1.0 (OASIS, errata 01) for security dashboards: each finding is a
 * `result`, each rule fired is a `reportingDescriptor` in `tool.driver.rules`,
 * and the location is the network endpoint as an artifact URI
 * ("dicom://192.0.2.10:104", "dicom://[2001:db8::7]:104") plus a logical
 * location of kind "resource". Checked against the schema in a test.
 */
import type { Severity } from '../observation/finding.ts';
import { plain } from './escape.ts';
import type { ReportFinding, ReportHead, ReportModel, RuleWords, ServiceFindings } from './model.ts';
import { collectDocument, jsonArrayDocument, streamDocument, type ServiceDocument } from './stream.ts';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

// SARIF 3.27.10 levels; "security-severity" is the 0–10 score code-scanning dashboards sort by.
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.0', low: '3.0', info: '0.0' };

function endpointUri(s: ServiceFindings): string {
  const host = s.ip.includes(':') ? `[${s.ip}]` : s.ip;
  return `${s.protocol}://${host}:${s.port}`;
}

function endpointName(s: ServiceFindings): string {
  return s.ip.includes(':') ? `[${s.ip}]:${s.port}` : `${s.ip}:${s.port}`;
}

const HTTPS = /^https:\/\/[A-Za-z0-9._~:/?#[\]@!$&()*+,;=%-]+$/;

function rule(f: RuleWords) {
  const helpUri = f.references.find((r) => HTTPS.test(r));
  return {
    id: f.ruleId,
    name: f.ruleId.replace(/-/g, ''),
    shortDescription: { text: plain(f.title) },
    fullDescription: { text: plain(f.title) },
    help: { text: plain(`${f.remediation}${f.references.length > 0 ? ` References: ${f.references.join('; ')}` : ''}`) },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: {
      tags: ['security', 'medical-imaging', ...(f.cwe ? [f.cwe] : [])],
      'security-severity': SECURITY_SEVERITY[f.severity],
      severity: f.severity,
    },
  };
}

function where(s: ServiceFindings): Record<string, unknown> {
  const w: Record<string, unknown> = { protocol: s.protocol, status: s.status };
  if (s.product) w.product = plain(s.product);
  if (s.space) w.space = s.space;
  if (s.country) w.country = s.country;
  if (s.asn !== undefined) w.asn = s.asn;
  if (s.org) w.org = plain(s.org);
  return w;
}

/** Each rule that fired, in the words of its first finding in service order: what its description is written from. */
type FiredRules = ReadonlyMap<string, RuleWords>;

/** What SARIF takes from the run: the run and its geo databases (summary.ts summariseRun). */
type SarifHead = Pick<ReportHead, 'run' | 'geo'>;

function sarifDocument(head: SarifHead, rules: FiredRules): ServiceDocument<ServiceFindings> {
  const ids = [...rules.keys()].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const result = (s: ServiceFindings, f: ReportFinding) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId) ?? -1,
    kind: 'fail',
    level: LEVEL[f.severity],
    message: { text: plain(`${endpointName(s)}: ${f.title}. ${f.evidence}`) },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: endpointUri(s) } },
        logicalLocations: [{ name: endpointName(s), fullyQualifiedName: endpointUri(s), kind: 'resource' }],
      },
    ],
    // Stable across runs, so dashboards track one exposure from scan to scan.
    partialFingerprints: { 'endpointRule/v1': `${f.ruleId}|${endpointUri(s)}` },
    properties: { severity: f.severity, ...where(s) },
  });
  const log = (results: unknown[]) => ({
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Exposure',
            version: head.run.scanner.userAgent.match(/Exposure\/([\w.-]+)/)?.[1] ?? 'unknown',
            rules: ids.map((id) => rule(rules.get(id) as RuleWords)),
          },
        },
        automationDetails: { id: `exposure/run-${head.run.id}` },
        columnKind: 'unicodeCodePoints',
        results,
        properties: {
          run: head.run.id,
          status: head.run.status,
          startedAt: head.run.startedAt,
          ...(head.run.finishedAt ? { finishedAt: head.run.finishedAt } : {}),
          targets: head.run.targets.map(plain),
          ports: head.run.ports,
          // Which geo databases (and of which date) placed the endpoints, and their licence credits.
          geo: head.geo,
        },
      },
    ],
  });
  const doc = jsonArrayDocument((value) => JSON.stringify(value, null, 2), log, (s: ServiceFindings) => s.findings.map((f) => result(s, f)));
  return { ...doc, tail: (n) => `${doc.tail(n)}\n` };
}

export function renderSarif(model: ReportModel): string {
  const rules = new Map<string, RuleWords>();
  for (const s of model.services) for (const f of s.findings) if (!rules.has(f.ruleId)) rules.set(f.ruleId, f);
  return collectDocument(sarifDocument(model, rules), model.services);
}

/**
 * renderSarif's bytes in chunks. The rules come before the results: the
 * store says which fired and in which words (store.firedRules), then the
 * services with findings are read once, as they come.
 */
export function streamSarif(head: SarifHead, rules: readonly RuleWords[], services: AsyncIterable<ServiceFindings>): AsyncIterable<string> {
  return streamDocument(sarifDocument(head, new Map(rules.map((r) => [r.ruleId, r]))), services);
}
