/** Offline country / ASN / organisation lookup: the geo folder's public API. */
export { openGeo, dateFromVersion, COUNTRY_CREDIT, ASN_CREDIT, type AddressSpace, type Geo, type GeoDatabase, type GeoOptions, type GeoSources, type HostGeo } from './geo.ts';
export { SPECIAL_SPACES, specialSpace, type SpecialSpace } from './special.ts';
export { AsnTableError } from './asn-table.ts';
