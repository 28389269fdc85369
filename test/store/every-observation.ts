/**
 * Every observation fixture of the tests, plus the shapes none of them has
 * (a hostname endpoint, an inventory of no attribute, a product without
 * version, lower-bound counts, an IPv6 endpoint), each on an address of its
 * own, one host each, with the findings the rules give it: what the store's
 * round-trip and migration tests write and read back.
 */
import { assess } from '../../src/assess/assess.ts';
import { Observation } from '../../src/observation/observation.ts';
import type { HostResult } from '../../src/store/index.ts';
import * as hostile from '../fixtures/hostile-observations.ts';
import * as nas from '../fixtures/nas-observations.ts';
import * as dicom from '../fixtures/observations.ts';
import * as web from '../fixtures/web-observations.ts';
import * as store from './fixtures.ts';

function observationsIn(module: Record<string, unknown>): Observation[] {
  return Object.values(module).filter((v): v is Observation => typeof v === 'object' && v !== null && Observation.safeParse(v).success);
}

const EDGES: Observation[] = [
  { ...store.REFUSED, status: 'io-timeout', endpoint: { ip: '0.0.0.0', port: 104, hostname: 'pacs.example.test' } },
  {
    ...store.ECHO_ONLY,
    product: { name: 'DCMTK storescp', basis: 'implementation class UID', confidence: 'guess' },
    inventory: { records: 12, attributes: [] },
    exposure: { studies: { n: 0, atLeast: true }, bytes: { n: 2 ** 40, atLeast: true } },
  },
  { ...store.EXPOSED, endpoint: { ip: 'fe80::1:2', port: 11112 }, tls: true, tlsInfo: web.GOOD_CERT, durationMs: 0.125 },
];

const ALL = [
  ...observationsIn(store),
  ...observationsIn(dicom),
  ...observationsIn(nas),
  ...observationsIn(web),
  ...observationsIn(hostile),
  web.withTls(web.lockedPortal, web.SELF_SIGNED_EXPIRED_WEAK),
  ...EDGES,
];

/** The observations, moved to addresses of their own (IPv6 ones kept IPv6). */
export const EVERY_OBSERVATION: readonly Observation[] = ALL.map((o, i) => ({
  ...o,
  endpoint: { ...o.endpoint, ip: o.endpoint.ip.includes(':') ? `2001:db8::${(i + 1).toString(16)}` : `10.7.${i >> 8}.${i & 255}` },
}));

/** One host per observation, with its findings from the rules. */
export const EVERY_HOST: readonly HostResult[] = EVERY_OBSERVATION.map((observation) => ({
  ip: observation.endpoint.ip,
  ...(observation.endpoint.hostname ? { hostname: observation.endpoint.hostname } : {}),
  services: [{ observation, findings: assess(observation) }],
}));
