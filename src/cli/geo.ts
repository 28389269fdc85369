/**
 * Geo for the store: the scan labels each host it records; `exposure report`
 * fills hosts still unlabelled (runs stored before geo existed, or by another
 * tool). See docs/decisions/0020-geo-at-scan-time.md.
 */
import { counted } from '../observation/count.ts';
import { openGeo, type Geo, type GeoOptions } from '../geo/index.ts';
import { openStoreReader, openStoreSink, storeLabel, type StoredHostGeo, type StoreSink } from '../store/index.ts';

export type HostGeoLookup = (ip: string) => StoredHostGeo | undefined;

/** The databases' names, versions and dates as stored in hosts.geo_source. */
export function sourceText(geo: Geo): string {
  const s = geo.sources();
  return JSON.stringify({
    country: { package: s.country.package, version: s.country.version, date: s.country.date },
    asn: { package: s.asn.package, version: s.asn.version, date: s.asn.date },
  });
}

/**
 * A lookup that never throws: if a database cannot be read, it says so once on
 * `warn` and stores nothing (the report can fill the hosts later); scan
 * results are never lost over geo.
 */
export function hostGeoLookup(warn: (line: string) => void, options: GeoOptions = {}): HostGeoLookup {
  const geo = openGeo(options);
  let source: string | undefined;
  let broken = false;
  return (ip) => {
    if (broken) return undefined;
    try {
      const g = geo.lookup(ip);
      if (g.space !== 'public') return { space: g.space };
      source ??= sourceText(geo);
      return { ...g, source };
    } catch (err) {
      broken = true;
      warn(`geo lookup disabled: ${err instanceof Error ? err.message : 'unreadable database'}`);
      return undefined;
    }
  };
}

export interface FillOptions {
  /** Hosts labelled per transaction: a page of the reader's, looked up and written at once (10,000). */
  pageSize?: number;
  /** Where the geo databases are (tests). */
  geo?: GeoOptions;
}

/**
 * Labels hosts of the run stored without geo, a page at a time, through the
 * sink: the one write `exposure report` makes. A read-only store leaves them
 * "unknown", with a warning.
 */
export async function fillMissingGeo(db: string, runId: number, warn: (line: string) => void, options: FillOptions = {}): Promise<void> {
  const reader = openStoreReader(db);
  let sink: StoreSink | undefined;
  try {
    sink = openStoreSink(db);
    const lookup = hostGeoLookup(warn, options.geo);
    // Pages follow the address order: a host a lookup cannot label stays behind, never read twice.
    for (let after = ''; ; ) {
      const missing = await reader.hostsWithoutGeo(runId, options.pageSize ?? 10_000, after);
      if (missing.length === 0) break;
      const rows = missing.flatMap((ip) => {
        const geo = lookup(ip);
        return geo ? [{ ip, geo }] : [];
      });
      await sink.setHostGeo(runId, rows);
      after = missing[missing.length - 1] as string;
    }
  } catch (err) {
    const why = err instanceof Error && 'code' in err ? String(err.code) : 'it cannot be written';
    const left = await reader.runCounts(runId).then((c) => counted(c.hostsWithoutGeo, 'host'), () => 'hosts');
    warn(`${left} of run ${runId} without geo data: ${storeLabel(db)} could not be updated (${why}); reported as unknown`);
  } finally {
    await sink?.close();
    await reader.close();
  }
}
