/**
 * Geo for the store: the scan labels each host it records; `exposure report`
 * fills hosts still unlabelled (runs stored before geo existed, or by another
 * tool). See docs/decisions/0020-geo-at-scan-time.md.
 */
import { counted } from '../observation/count.ts';
import { openGeo, type Geo, type GeoOptions } from '../geo/index.ts';
import { openStoreSink, storeLabel, type StoredHostGeo, type StoreSink } from '../store/index.ts';

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

/**
 * Labels hosts of the run stored without geo, through the sink: the one write
 * `exposure report` makes. A read-only file leaves them "unknown", with a warning.
 */
export async function fillMissingGeo(db: string, runId: number, missing: readonly string[], warn: (line: string) => void): Promise<void> {
  if (missing.length === 0) return;
  let sink: StoreSink | undefined;
  try {
    sink = openStoreSink(db);
    const lookup = hostGeoLookup(warn);
    const rows = missing.flatMap((ip) => {
      const geo = lookup(ip);
      return geo ? [{ ip, geo }] : [];
    });
    await sink.setHostGeo(runId, rows);
  } catch (err) {
    const why = err instanceof Error && 'code' in err ? String(err.code) : 'it cannot be written';
    warn(`${counted(missing.length, 'host')} of run ${runId} ${missing.length === 1 ? 'has' : 'have'} no geo data and ${storeLabel(db)} could not be updated (${why}): ${missing.length === 1 ? 'it is' : 'they are'} reported as unknown`);
  } finally {
    await sink?.close();
  }
}
