/**
 * SARIF 2.1.0 (OASIS, errata 01) for security dashboards: each finding is a
 * `result`, each rule fired is a `reportingDescriptor` in `tool.driver.rules`,
 * and the location is the network endpoint as an artifact URI
 * ("dicom://192.0.2.10:104", "dicom://[2001:db8::7]:104") plus a logical
 * location of kind "resource". Checked against the schema in a test.
 */
import type { Severity } from '../observation/finding.ts';
import { plain } from './escape.ts';
import { honeypotText, honeypotWorthSaying } from './honeypots.ts';
import type { ReportHead, ReportModel, RuleWords, ServiceFinding, ServiceReport } from './model.ts';
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

function endpointUri(s: ServiceReport): string {
  const host = s.ip.includes(':') ? `[${s.ip}]` : s.ip;
  return `${s.protocol}://${host}:${s.port}`;
}

function endpointName(s: ServiceReport): string {
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

function where(s: ServiceReport): Record<string, unknown> {
  const w: Record<string, unknown> = { protocol: s.protocol, status: s.status };
  if (s.product) w.product = plain(s.product);
  if (s.space) w.space = s.space;
  if (s.country) w.country = s.country;
  if (s.asn !== undefined) w.asn = s.asn;
  if (s.org) w.org = plain(s.org);
  // A likely or possible honeypot: its results say so, as every other format lists it (docs/decisions/0027-honeypots-told-apart.md).
  if (honeypotWorthSaying(s)) w.honeypot = { level: s.honeypot.level, score: s.honeypot.score, signals: [...s.honeypot.signals] };
  return w;
}

/** The proof as the JSON report has it, its strings on one line. */
function sarifProof(f: ServiceFinding): Record<string, string> {
  const p = f.proof;
  return p.kind === 'command' ? { kind: p.kind, tool: p.tool, command: plain(p.command), shows: plain(p.shows) } : { kind: p.kind, reason: plain(p.reason) };
}

/** Each rule's words as its first finding (in service order) has them: what its description is written from. */
type RuleFindings = Map<string, RuleWords>;

function addRules(rules: RuleFindings, s: ServiceReport): void {
  for (const f of s.findings) if (!rules.has(f.ruleId)) rules.set(f.ruleId, f);
}

function sarifDocument(head: ReportHead, rules: RuleFindings): ServiceDocument {
  const ids = [...rules.keys()].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const result = (s: ServiceReport, f: ServiceFinding) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId) ?? -1,
    kind: 'fail',
    level: LEVEL[f.severity],
    // Dashboards show the message, not property bags: the owner's command goes there too.
    message: {
      text: plain(
        `${endpointName(s)}: ${f.title}. ${f.evidence}${honeypotWorthSaying(s) ? ` Assessed as a ${honeypotText(s.honeypot)}.` : ''}${f.proof.kind === 'command' ? ` To see it yourself, run: ${f.proof.command}` : ''}`,
      ),
    },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: endpointUri(s) } },
        logicalLocations: [{ name: endpointName(s), fullyQualifiedName: endpointUri(s), kind: 'resource' }],
      },
    ],
    // Stable across runs, so dashboards track one exposure from scan to scan.
    partialFingerprints: { 'endpointRule/v1': `${f.ruleId}|${endpointUri(s)}` },
    properties: { severity: f.severity, ...where(s), proof: sarifProof(f) },
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
          // How many likely honeypots the run's figures leave out (or count): their results are marked one by one.
          ...(head.totals.likelyHoneypots ? { likelyHoneypots: head.totals.likelyHoneypots } : {}),
        },
      },
    ],
  });
  const doc = jsonArrayDocument((value) => JSON.stringify(value, null, 2), log, (s) => s.findings.map((f) => result(s, f)));
  return { ...doc, tail: (n) => `${doc.tail(n)}\n` };
}

export function renderSarif(model: ReportModel): string {
  const rules: RuleFindings = new Map();
  for (const s of model.services) addRules(rules, s);
  return collectDocument(sarifDocument(model, rules), model.services);
}

/**
 * renderSarif's bytes in chunks. The rules come before the results: given
 * the rules that fired (the store's list, StoreReader.firedRules: each in the
 * words of its first finding), the services are read once; without it, twice
 * (once for the distinct rules, memory bounded by their number).
 */
export async function* streamSarif(head: ReportHead, services: () => AsyncIterable<ServiceReport>, fired?: readonly RuleWords[]): AsyncIterable<string> {
  const rules: RuleFindings = new Map();
  if (fired) for (const r of fired) rules.set(r.ruleId, r);
  else for await (const s of services()) addRules(rules, s);
  yield* streamDocument(sarifDocument(head, rules), services());
}
