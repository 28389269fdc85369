/**
 * An observation as the store keeps it, in three places and nothing twice:
 * the columns of `services` hold its endpoint, protocol, status, TLS flag,
 * start, duration, product name and version and exposure counts; the rows
 * of `inventories` hold its attribute inventory; the JSON of `observations`
 * holds only the rest (protocol details, TLS facts, the product's basis, an
 * error, a hostname). Reading puts the pieces back together; the caller
 * validates the whole against the result schema, as it was validated on insert.
 *
 * Migration 6 turns rows stored whole into this layout with SQLite's JSON
 * functions: a change here is a change there, and the round-trip tests say so.
 */
import type { AttributeInventory, ExposureCounts, Observation, Product } from '../observation/observation.ts';

/** What the observations.json column holds. */
export type StoredObservation = Omit<
  Observation,
  'protocol' | 'endpoint' | 'status' | 'startedAt' | 'durationMs' | 'tls' | 'product' | 'exposure' | 'inventory'
> & {
  /** Only when the target was a hostname: address and port are columns. */
  endpoint?: { hostname: string };
  /** What the identification rests on: name and version are columns (and here too only when a column cannot hold them exactly). */
  product?: Omit<Product, 'name' | 'version'> & Partial<Pick<Product, 'name' | 'version'>>;
  /** Only an inventory of no attribute (records read, none present), which has no row in `inventories`. */
  inventory?: AttributeInventory;
};

/** The exposure counts in the order of their column pairs (`patients`, `patients_at_least`, …). */
export const COUNTED = ['patients', 'studies', 'series', 'images', 'files', 'bytes'] as const satisfies ReadonlyArray<keyof ExposureCounts>;

type CountColumns = { [K in (typeof COUNTED)[number]]: number | null } & { [K in `${(typeof COUNTED)[number]}_at_least`]: number | null };

/** The columns of `services` an observation is rebuilt from, as SQLite returns them. */
export type ObservationColumns = CountColumns & {
  ip: string;
  port: number;
  protocol: string;
  tls: number;
  status: string;
  product: string | null;
  version: string | null;
  started_at: string;
  duration_ms: number;
};

/** One row of `inventories`, in the order it was written. */
export interface InventoryRecord {
  keyword: string;
  tag: string;
  class: string;
  present: number;
  records: number;
}

/** n and at-least flag of each exposure count, in column order. */
export function countColumns(obs: Observation): Array<number | null> {
  return COUNTED.flatMap((k) => {
    const c = obs.exposure[k];
    return c ? [c.n, c.atLeast ? 1 : 0] : [null, null];
  });
}

/**
 * The part of a validated observation no column or inventory row holds.
 * `columnHolds` says whether a text column keeps a string exactly (PostgreSQL
 * text cannot hold U+0000): a product name or version it cannot keep stays in
 * the JSON too, which the read puts over the column's.
 */
export function storedObservation(obs: Observation, columnHolds: (text: string) => boolean = () => true): StoredObservation {
  const { protocol: _p, endpoint, status: _s, startedAt: _a, durationMs: _d, tls: _t, product, exposure: _e, inventory, ...rest } = obs;
  const out: StoredObservation = rest;
  if (endpoint.hostname !== undefined) out.endpoint = { hostname: endpoint.hostname };
  if (product) {
    const { name, version, ...basis } = product;
    out.product = { ...basis, ...(columnHolds(name) ? {} : { name }), ...(version === undefined || columnHolds(version) ? {} : { version }) };
  }
  if (inventory && inventory.attributes.length === 0) out.inventory = inventory;
  return out;
}

/**
 * The observation a service row, its stored JSON and its inventory rows
 * describe: plain data for the caller to validate. Keys absent when written
 * stay absent, so a validated read equals what was stored.
 */
export function observationFromParts(c: ObservationColumns, json: string, inventory: readonly InventoryRecord[]): unknown {
  const { endpoint, product, inventory: noAttributes, ...rest } = JSON.parse(json) as StoredObservation;
  const exposure: Record<string, { n: number; atLeast: boolean }> = {};
  for (const k of COUNTED) {
    const n = c[k];
    if (n !== null) exposure[k] = { n, atLeast: c[`${k}_at_least`] === 1 };
  }
  const out: Record<string, unknown> = {
    ...rest,
    protocol: c.protocol,
    endpoint: { ip: c.ip, port: c.port, ...endpoint },
    status: c.status,
    startedAt: c.started_at,
    durationMs: c.duration_ms,
    tls: c.tls === 1,
    exposure,
  };
  if (c.product !== null) out.product = { name: c.product, ...(c.version !== null ? { version: c.version } : {}), ...product };
  const first = inventory[0];
  if (noAttributes) out.inventory = noAttributes;
  else if (first) {
    out.inventory = { records: first.records, attributes: inventory.map((a) => ({ keyword: a.keyword, tag: a.tag, class: a.class, present: a.present })) };
  }
  return out;
}
