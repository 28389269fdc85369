/**
 * The study's tables in the report model, read from the store's aggregate
 * queries, and the geo databases behind them.
 */
import { ASN_CREDIT, COUNTRY_CREDIT } from '../geo/index.ts';
import type { BreakdownRow, ImageDistribution, RuleCountRow, RunCounts, ServerRow, StoreReader } from '../store/index.ts';

export interface ReportTables {
  counts: RunCounts;
  byCountry: BreakdownRow[];
  byAsn: BreakdownRow[];
  byProduct: BreakdownRow[];
  byProductVersion: BreakdownRow[];
  byProtocol: BreakdownRow[];
  topServers: ServerRow[];
  imagesPerServer: ImageDistribution;
  findingsByRule: RuleCountRow[];
}

export interface GeoDatabaseRef {
  package: string;
  version: string;
  date: string;
}

export interface ReportGeo {
  /** Databases that labelled this run's public hosts; empty when every host is special space or unlabelled. */
  databases: Array<{ country?: GeoDatabaseRef; asn?: GeoDatabaseRef }>;
  /** Credit lines the data's licences ask for (the ASN data is CC BY 4.0). */
  credits: string[];
}

const TOP_SERVERS = 20;

export async function reportTables(store: StoreReader, runId: number, topServers = TOP_SERVERS): Promise<ReportTables> {
  return {
    counts: await store.runCounts(runId),
    byCountry: await store.breakdown(runId, 'country'),
    byAsn: await store.breakdown(runId, 'asn'),
    byProduct: await store.breakdown(runId, 'product'),
    byProductVersion: await store.breakdown(runId, 'product-version'),
    byProtocol: await store.breakdown(runId, 'protocol'),
    topServers: await store.topServers(runId, topServers),
    imagesPerServer: await store.imagesPerServer(runId),
    findingsByRule: await store.findingsByRule(runId),
  };
}

function ref(v: unknown): GeoDatabaseRef | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.package !== 'string' || typeof o.version !== 'string' || typeof o.date !== 'string') return undefined;
  return { package: o.package, version: o.version, date: o.date };
}

export async function reportGeo(store: StoreReader, runId: number): Promise<ReportGeo> {
  const databases: ReportGeo['databases'] = [];
  for (const text of await store.geoSources(runId)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue; // a hand-edited row: show nothing rather than its text
    }
    const o = (parsed ?? {}) as Record<string, unknown>;
    const entry: ReportGeo['databases'][number] = {};
    const country = ref(o.country);
    const asn = ref(o.asn);
    if (country) entry.country = country;
    if (asn) entry.asn = asn;
    if (country || asn) databases.push(entry);
  }
  return { databases, credits: [COUNTRY_CREDIT, ASN_CREDIT] };
}

/** "geo-whois-asn-country-mmdb of 2026-06-17, asn of 2026-06-17", or why there is none. */
export function geoDatesText(geo: ReportGeo): string {
  if (geo.databases.length === 0) return 'no public addresses were geolocated in this run';
  const one = (r: GeoDatabaseRef | undefined): string | undefined => r && `${r.package.replace(/^@ip-location-db\//, '')} of ${r.date}`;
  return geo.databases.map((d) => [one(d.country), one(d.asn)].filter(Boolean).join(', ')).join('; ');
}
