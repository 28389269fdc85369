/**
 * What both store engines do to a batch before any SQL: validate each host,
 * service and finding against its schema (once each, naming what failed, never
 * quoting it), and lay each part out as the rows the shared schema holds (the
 * service's columns, its inventory rows, the rest of its observation as JSON,
 * its findings' rule texts). SQLite writes these rows one statement each
 * (sqlite-writes.ts), PostgreSQL a table at a time (postgres/writes.ts).
 */
import { z } from 'zod';
import { Finding } from '../observation/finding.ts';
import { ipSortKey } from '../observation/address-order.ts';
import { isExposed } from '../observation/exposed.ts';
import { Observation } from '../observation/observation.ts';
import { conformsExactly } from './conforms.ts';
import { StoreValidationError, validate, type ValidationErrorCode } from './errors.ts';
import { RUN_END_STATUSES } from './store.ts';
import { COUNTED, countColumns, storedObservation } from './stored-observation.ts';

export const HostGeoSchema = z.object({
  space: z.string().regex(/^[a-z-]{1,32}$/),
  country: z.string().regex(/^[A-Z]{2}$/).optional(),
  asn: z.number().int().nonnegative().max(4_294_967_295).optional(),
  org: z.string().max(512).optional(),
  source: z.string().max(4096).optional(),
});

export const RunMetaSchema = z.object({
  targets: z.array(z.string()),
  ports: z.array(z.number().int().min(1).max(65535)),
  options: z.record(z.unknown()),
  scanner: z.object({ callingAeTitle: z.string(), userAgent: z.string() }),
});

export const RunSummarySchema = z.object({
  targetsTotal: z.number().int().nonnegative(),
  hostsDone: z.number().int().nonnegative(),
  openPorts: z.number().int().nonnegative(),
  excluded: z.number().int().nonnegative(),
  status: z.enum(RUN_END_STATUSES),
});

// Services and findings are checked one by one below, so an error names which one failed.
const HostShape = z.object({
  ip: z.string().min(1),
  hostname: z.string().optional(),
  services: z.array(z.unknown()),
  geo: HostGeoSchema.optional(),
});
export type CheckedHostShape = z.infer<typeof HostShape>;

const ServiceShape = z.object({ observation: z.unknown(), findings: z.array(z.unknown()) });

/** A host's own fields checked; its services are checked apart (checkServices), after the caller knows whether it may be stored. */
export function checkHost(raw: unknown): CheckedHostShape {
  return validate(HostShape, raw, 'INVALID_HOST', 'host result');
}

/** A service as it enters the store: parsed by its schemas (once each), nothing else kept. */
export interface CheckedService {
  observation: Observation;
  findings: Finding[];
  where: string;
}

const conformsAsObservation = conformsExactly(Observation);
const conformsAsFinding = conformsExactly(Finding);

/**
 * A value that is already exactly what its schema makes of it (conforms.ts) is used as it is;
 * anything else is parsed by zod as before (cleaned, or refused with the same issues). A scan's
 * observations and findings come from our own probes and rules and take the first way: zod's
 * copy of each was most of the writing thread's own work.
 */
function validateAsIs<T>(schema: z.ZodType<T>, conforms: (value: unknown) => boolean, raw: unknown, code: ValidationErrorCode, subject: string): T {
  return conforms(raw) ? (raw as T) : validate(schema, raw, code, subject);
}

function checkService(raw: unknown, ip: string, where: string): CheckedService {
  const service = validate(ServiceShape, raw, 'INVALID_OBSERVATION', where);
  const observation = validateAsIs(Observation, conformsAsObservation, service.observation, 'INVALID_OBSERVATION', `observation of ${where}`);
  if (observation.endpoint.ip !== ip) {
    throw new StoreValidationError('INVALID_OBSERVATION', `observation of ${where}`, [{ path: 'endpoint.ip', code: 'not_this_host' }]);
  }
  const findings = service.findings.map((f, j) => validateAsIs(Finding, conformsAsFinding, f, 'INVALID_FINDING', `finding ${j + 1} of ${where}`));
  return { observation, findings, where };
}

/** Every service of the host, checked before the host's first row: a bad service stores nothing of it. */
export function checkServices(h: CheckedHostShape): CheckedService[] {
  return h.services.map((raw, i) => checkService(raw, h.ip, `service ${i + 1} of host ${h.ip}`));
}

/** The columns of a hosts row after its id, in this order. */
export const HOST_COLUMNS = ['run_id', 'ip', 'hostname', 'space', 'country', 'asn', 'org', 'geo_source_id'] as const;

/** A host's row, its geo source given as the id of the run's geo_sources row that holds its text. */
export function hostValues(runId: number, h: CheckedHostShape, geoSourceId: number | null): unknown[] {
  const g = h.geo;
  return [runId, h.ip, h.hostname ?? null, g?.space ?? null, g?.country ?? null, g?.asn ?? null, g?.org ?? null, geoSourceId];
}

/** Which geo databases labelled hosts of a run: one geo_sources row per run and text, its key among known ids. */
export const geoSourceKey = (runId: number, source: string): string => JSON.stringify([runId, source]);

/** What a column holds, for an engine that must name its type (PostgreSQL's arrays). */
export type ColumnKind = 'id' | 'count' | 'flag' | 'int' | 'real' | 'text';

/** The columns of a services row after its id, in the order serviceValues gives them. */
export const SERVICE_COLUMNS: ReadonlyArray<readonly [string, ColumnKind]> = [
  ['run_id', 'id'],
  ['host_id', 'id'],
  ['ip', 'text'],
  ['port', 'int'],
  ['protocol', 'text'],
  ['tls', 'flag'],
  ['status', 'text'],
  ['product', 'text'],
  ['version', 'text'],
  ['started_at', 'text'],
  ['duration_ms', 'real'],
  ['exposed', 'flag'],
  ...COUNTED.flatMap((c): Array<readonly [string, ColumnKind]> => [
    [c, 'count'],
    [`${c}_at_least`, 'flag'],
  ]),
  ['ip_key', 'text'],
];

export function serviceValues(runId: number, hostId: number, obs: Observation): unknown[] {
  return [
    runId,
    hostId,
    obs.endpoint.ip,
    obs.endpoint.port,
    obs.protocol,
    obs.tls ? 1 : 0,
    obs.status,
    obs.product?.name ?? null,
    obs.product?.version ?? null,
    obs.startedAt,
    obs.durationMs,
    isExposed(obs) ? 1 : 0,
    ...countColumns(obs),
    ipSortKey(obs.endpoint.ip),
  ];
}

/** The JSON of the observations row: what no column and no inventory row holds (stored-observation.ts). */
export function observationJson(obs: Observation, columnHolds?: (text: string) => boolean): string {
  return JSON.stringify(storedObservation(obs, columnHolds));
}

/** One endpoint of a run: what services are unique on. */
export const endpointKey = (ip: string, port: number, protocol: string): string => `${protocol} ${port} ${ip}`;

/** An inventory row of a service: keyword, tag, class, present, records. */
export type InventoryValues = readonly [string, string, string, number, number];

/** The inventory's rows in the inventory's order; an attribute listed twice is refused, naming where. */
export function inventoryValues(obs: Observation, where: string): InventoryValues[] {
  const inventory = obs.inventory;
  if (!inventory) return [];
  const seen = new Set<string>();
  return inventory.attributes.map((a, k): InventoryValues => {
    if (seen.has(a.tag)) {
      throw new StoreValidationError('INVALID_OBSERVATION', `observation of ${where}`, [{ path: `inventory.attributes.${k}.tag`, code: 'duplicate' }]);
    }
    seen.add(a.tag);
    return [a.keyword, a.tag, a.class, a.present, inventory.records];
  });
}

/** A rule's wording as rule_texts keeps it: rule id, title, remediation, references (JSON), CWE ('' for none). */
export type RuleText = readonly [string, string, string, string, string];

export function ruleText(f: Finding): RuleText {
  return [f.ruleId, f.title, f.remediation, JSON.stringify(f.references), f.cwe ?? ''];
}

/** A rule text's key among known ids: an array of five, never equal to a geo source's key (geoSourceKey). */
export const ruleTextKey = (text: RuleText): string => JSON.stringify(text);

/** Distinct rows a writer remembers the ids of: rule texts times their versions, and runs times geo databases; far fewer in practice. */
const IDS_REMEMBERED = 4096;

/** The ids of rule texts and geo sources met in one transaction: kept by the cache only once it commits. */
export interface KnownIdsInTransaction {
  id(key: string): number | undefined;
  add(key: string, id: number): void;
  committed(): void;
}

/**
 * The id of each rule text and geo source a writer has met, by key
 * (ruleTextKey, geoSourceKey). Ids met inside a transaction are remembered
 * only once it commits: a rolled-back batch takes its new rows with it, and
 * their ids must not outlive them. Each transaction has its own pending ids,
 * so one rolled back never discards another's.
 */
export function knownIds(): { begin(): KnownIdsInTransaction } {
  const known = new Map<string, number>();
  return {
    begin() {
      const pending = new Map<string, number>();
      return {
        id: (key) => known.get(key) ?? pending.get(key),
        add: (key, id) => void pending.set(key, id),
        committed() {
          for (const [key, id] of pending) if (known.size < IDS_REMEMBERED) known.set(key, id);
          pending.clear();
        },
      };
    },
  };
}
