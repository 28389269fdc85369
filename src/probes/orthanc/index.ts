/**
 * The Orthanc REST probe: GET /system and GET /statistics, without
 * credentials, or (with --check-logins) with a blank or the documented
 * default credential. Version, DICOM AE title and port, and counts of
 * patients, studies, series and instances: counts only, never a listing.
 */
import { catalogued } from '../catalogue.ts';
import type { HttpResponse } from '../../net/http.ts';
import type { Endpoint, ExposureCounts, Observation, OrthancDetails, WebLogin } from '../../observation/observation.ts';
import { definedProbe, type Probe, type ProbeContext } from '../probe.ts';
import { parseChallenge } from '../web/auth.ts';
import { checkLogin, loginOf, openWebSession, webFailure, type WebSession, startWebProbe } from '../web/session.ts';
import { parseStatistics, parseSystem } from './rest.ts';

const JSON_ACCEPT = { Accept: 'application/json' };
/** Orthanc's Basic realm (seen from 1.10.1): a 401 with it is Orthanc even when nothing else is visible. */
const ORTHANC_REALM = 'Orthanc Secure Area';

function countsOf(s: NonNullable<OrthancDetails['statistics']>): ExposureCounts {
  const c = (n: number) => ({ n, atLeast: false });
  return {
    patients: c(s.patients),
    studies: c(s.studies),
    series: c(s.series),
    images: c(s.instances),
    ...(s.diskSizeBytes !== undefined ? { bytes: c(Math.round(s.diskSizeBytes)) } : {}),
  };
}

async function run(endpoint: Endpoint, ctx: ProbeContext): Promise<Observation> {
  const { signal, done } = startWebProbe('orthanc', endpoint, ctx);
  let session: WebSession;
  try {
    session = await openWebSession(endpoint, ctx, signal, '/system', JSON_ACCEPT);
  } catch (err) {
    const f = webFailure(err, 'connect');
    return done({ status: f.status, tls: false, exposure: {}, error: f.error });
  }
  const tls = { tls: session.scheme === 'https', ...(session.first.tls ? { tlsInfo: session.first.tls } : {}) };
  const first = session.first;
  let system = first.status === 200 ? parseSystem(first.body) : undefined;
  let access: OrthancDetails['access'] = 'open';
  let login: WebLogin = { kind: 'none', check: 'not-applicable', attempts: 0 };
  let authorization: string | undefined;
  if (!system) {
    // Only a 401 carrying Orthanc's own realm says "Orthanc behind a login"; anything else is not Orthanc.
    if (first.status !== 401 || parseChallenge(first.headers['www-authenticate'])?.realm !== ORTHANC_REALM) {
      return done({ status: 'not-this-protocol', ...tls, exposure: {} });
    }
    try {
      const outcome = await checkLogin(session.client, '/system', first, 'Orthanc', ctx);
      login = outcome.login;
      if (outcome.response && outcome.authorization) {
        system = parseSystem(outcome.response.body);
        authorization = outcome.authorization;
        access = outcome.credentialClass === 'blank' ? 'blank-credentials' : 'default-credentials';
      }
    } catch (err) {
      const f = webFailure(err, 'login');
      return done({ status: f.status, ...tls, exposure: {}, error: f.error });
    }
    if (!system) {
      const details: OrthancDetails = { protocol: 'orthanc', scheme: session.scheme, access: 'login-required', login: { ...login, ...loginOf(first) } };
      return done({ status: 'rejected', ...tls, exposure: {}, product: { name: 'Orthanc', basis: `HTTP Basic realm "${ORTHANC_REALM}"`, confidence: 'certain' }, details });
    }
  }
  const details: OrthancDetails = { protocol: 'orthanc', scheme: session.scheme, access, login, system };
  const product = { name: 'Orthanc', ...(system.version ? { version: system.version } : {}), basis: 'REST GET /system', confidence: 'certain' as const };
  let stats: HttpResponse | undefined;
  try {
    stats = await session.client.request({ path: '/statistics', headers: { ...JSON_ACCEPT, ...(authorization ? { Authorization: authorization } : {}) } });
  } catch (err) {
    const f = webFailure(err, 'statistics');
    return done({ status: 'success', ...tls, exposure: {}, product, details, error: f.error });
  }
  const statistics = stats.status === 200 ? parseStatistics(stats.body) : undefined;
  if (statistics) details.statistics = statistics;
  return done({ status: 'success', ...tls, exposure: statistics ? countsOf(statistics) : {}, product, details });
}

export const orthancProbe: Probe = definedProbe('orthanc', catalogued('orthanc').defaultPorts, catalogued('orthanc').summary, run);
