/**
 * Offline geolocation of an address: country from the MMDB in
 * `@ip-location-db/geo-whois-asn-country-mmdb`, AS number and organisation
 * from the CSV ranges in `@ip-location-db/asn`. Both ship inside npm packages
 * and are read from disk: nothing is downloaded at run time. Special-purpose
 * addresses are labelled (special.ts) and never looked up.
 *
 * Both databases load on the first public address, so a scan of private space
 * never pays for them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Reader, type Response } from 'maxmind';
import { mappedIpv4, parseAddress } from './address.ts';
import { RangeTable, type AsnRecord } from './asn-table.ts';
import { specialSpaceV4, specialSpaceV6, type SpecialSpace } from './special.ts';

export type AddressSpace = 'public' | SpecialSpace;

/** What is known of one address. Country is ISO 3166-1 alpha-2; all three are absent for special space. */
export interface HostGeo {
  space: AddressSpace;
  country?: string;
  asn?: number;
  org?: string;
}

export interface GeoDatabase {
  /** npm package the data came from. */
  package: string;
  version: string;
  /** Build date of the data (ISO 8601 date). */
  date: string;
  /** Credit line required by the data's licence. */
  credit: string;
}

export interface GeoSources {
  country: GeoDatabase;
  asn: GeoDatabase;
}

export interface Geo {
  lookup(ip: string): HostGeo;
  /** Reads the databases' metadata (opens the country MMDB if not yet open). */
  sources(): GeoSources;
}

export interface GeoOptions {
  /** Country MMDB file; default: the one in @ip-location-db/geo-whois-asn-country-mmdb. */
  countryMmdb?: string;
  /** Folder holding asn-ipv4-num.csv and asn-ipv6-num.csv; default: @ip-location-db/asn. */
  asnDir?: string;
}

const COUNTRY_PACKAGE = '@ip-location-db/geo-whois-asn-country-mmdb';
const ASN_PACKAGE = '@ip-location-db/asn';

// Credits from each package's README and licence files.
export const COUNTRY_CREDIT =
  'Country: ip-location-db geo-whois-asn-country (GeoFeed, RIR WHOIS and ASN data; RIR data CC BY 4.0 by the NRO, https://www.nro.net/)';
export const ASN_CREDIT =
  'ASN and organisation: ip-location-db asn, CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/), from RouteViews (https://www.routeviews.org/), the NRO (https://www.nro.net/) and DB-IP (IP Geolocation by DB-IP, https://db-ip.com/)';

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

function packageVersion(dir: string): string {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** ip-location-db versions end in the data's build hour: 2.3.2026061719 → 2026-06-17. */
export function dateFromVersion(version: string): string {
  const m = /(\d{4})(\d{2})(\d{2})\d{2}$/.exec(version);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : 'unknown';
}

/** ip-location-db's country MMDBs hold one field per network: { country_code: "NL" }, not MaxMind's layout. */
function countryCode(record: Response | null): string | undefined {
  const code: unknown = record && typeof record === 'object' && 'country_code' in record ? record.country_code : undefined;
  return typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? code : undefined;
}

export function openGeo(options: GeoOptions = {}): Geo {
  const countryFile = options.countryMmdb ?? join(packageDir(COUNTRY_PACKAGE), 'geo-whois-asn-country.mmdb');
  const asnDir = options.asnDir ?? packageDir(ASN_PACKAGE);
  let reader: Reader<Response> | undefined;
  let v4: RangeTable<number> | undefined;
  let v6: RangeTable<bigint> | undefined;

  const countryReader = (): Reader<Response> => (reader ??= new Reader<Response>(readFileSync(countryFile)));
  const country = (ip: string): string | undefined => countryCode(countryReader().get(ip));
  const publicGeo = (ip: string, asn: AsnRecord | undefined): HostGeo => {
    const geo: HostGeo = { space: 'public' };
    const cc = country(ip);
    if (cc) geo.country = cc;
    if (asn) {
      geo.asn = asn.asn;
      if (asn.org) geo.org = asn.org;
    }
    return geo;
  };

  return {
    lookup(ip) {
      const a = parseAddress(ip);
      if (!a) return { space: 'reserved' };
      if (a.family === 4) {
        const special = specialSpaceV4(a.n);
        if (special) return { space: special };
        v4 ??= RangeTable.ipv4(join(asnDir, 'asn-ipv4-num.csv'));
        return publicGeo(ip, v4.find(a.n));
      }
      const special = specialSpaceV6(a.n);
      if (special) return { space: special };
      const mapped = mappedIpv4(a.n);
      if (mapped !== undefined) {
        v4 ??= RangeTable.ipv4(join(asnDir, 'asn-ipv4-num.csv'));
        // The MMDB may not alias ::ffff:0:0/96 to its IPv4 tree: look up the IPv4 address itself.
        return publicGeo([mapped >>> 24, (mapped >>> 16) & 255, (mapped >>> 8) & 255, mapped & 255].join('.'), v4.find(mapped));
      }
      v6 ??= RangeTable.ipv6(join(asnDir, 'asn-ipv6-num.csv'));
      return publicGeo(ip, v6.find(a.n));
    },
    sources() {
      const meta = countryReader().metadata;
      const countryDir = options.countryMmdb ? dirname(countryFile) : packageDir(COUNTRY_PACKAGE);
      const asnVersion = options.asnDir ? 'custom' : packageVersion(asnDir);
      return {
        country: {
          package: options.countryMmdb ? countryFile : COUNTRY_PACKAGE,
          version: options.countryMmdb ? 'custom' : packageVersion(countryDir),
          date: meta.buildEpoch.toISOString().slice(0, 10),
          credit: COUNTRY_CREDIT,
        },
        asn: {
          package: options.asnDir ? asnDir : ASN_PACKAGE,
          version: asnVersion,
          date: dateFromVersion(asnVersion),
          credit: ASN_CREDIT,
        },
      };
    },
  };
}
