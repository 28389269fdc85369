/**
 * The DICOMweb probe: does a QIDO-RS studies query (PS3.18 10.6) answer
 * without authentication (or, with --check-logins, with a blank or default
 * credential)? If so, count the studies page by page (limit/offset, capped at
 * --max-records), inventory which identifying attributes the JSON carries and
 * count distinct patients through the keyed counter. No WADO retrieval: no
 * instance, frame, rendered image or bulk data is ever requested.
 */
import { catalogued } from '../catalogue.ts';
import { NetError } from '../../net/errors.ts';
import { HttpProtocolError, type HttpClient, type HttpResponse } from '../../net/http.ts';
import { InventoryBuilder } from '../../privacy/inventory.ts';
import type { DicomwebDetails, Endpoint, Observation, WebLogin } from '../../observation/observation.ts';
import { definedProbe, type Probe, type ProbeContext } from '../probe.ts';
import { parseChallenge } from '../web/auth.ts';
import { checkLogin, openWebSession, webFailure, type WebSession, startWebProbe } from '../web/session.ts';
import { readAeTitles, readQidoPage } from './qido-json.ts';

/** Usual QIDO-RS roots: Orthanc's plugin, generic deployments, WADO-RS style, dcm4chee-arc's per-AE roots (added from /aets). */
const QIDO_ROOTS = ['/dicom-web', '/dicomweb', '/wado-rs', '/rs'] as const;
const DCM4CHEE_AETS = '/dcm4chee-arc/aets';
/** dcm4chee-arc's default archive AE title (dcm4chee-arc-light wiki, "AE Title(s) of the Archive"). */
const DCM4CHEE_DEFAULT_AE = 'DCM4CHEE';
const PAGE = 100;
const ACCEPT = { Accept: 'application/dicom+json, application/json;q=0.9' };
/** NumberOfStudyRelatedSeries and NumberOfStudyRelatedInstances (PS3.18 10.6.1.2.3 includefield). */
const INCLUDE = 'includefield=00201206&includefield=00201208';

const ORTHANC_REALM = 'Orthanc Secure Area';

function studiesPath(root: string, limit: number, offset: number): string {
  return `${root}/studies?limit=${limit}&offset=${offset}&${INCLUDE}`;
}

function isQidoAnswer(res: HttpResponse): boolean {
  if (res.status === 204) return true;
  if (res.status !== 200) return false;
  const type = res.headers['content-type'] ?? '';
  return /^application\/(dicom\+)?json\b/i.test(type) && res.body.subarray(0, 64).toString('latin1').trimStart().startsWith('[');
}

async function dcm4cheeRoots(client: HttpClient, auth: Record<string, string>): Promise<string[]> {
  const res = await client.request({ path: DCM4CHEE_AETS, headers: { Accept: 'application/json', ...auth } });
  if (res.status !== 200) return [];
  const titles = readAeTitles(res.body, 3);
  return (titles.length > 0 ? titles : [DCM4CHEE_DEFAULT_AE]).map((ae) => `/dcm4chee-arc/aets/${ae}/rs`);
}

interface Found {
  root: string;
  auth: Record<string, string>;
}

/** Tries each root; returns the one that answered, and the login seen on the way. */
async function findRoot(session: WebSession, ctx: ProbeContext, details: DicomwebDetails): Promise<Found | undefined> {
  const tryRoot = async (root: string, res?: HttpResponse): Promise<Found | 'login' | undefined> => {
    const path = studiesPath(root, 1, 0);
    const first = res ?? (await session.client.request({ path, headers: ACCEPT }));
    details.roots.push({ root, status: first.status });
    if (isQidoAnswer(first)) return { root, auth: {} };
    if (first.status !== 401) return undefined;
    const realm = parseChallenge(first.headers['www-authenticate'])?.realm;
    const outcome = await checkLogin(session.client, path, first, realm === ORTHANC_REALM ? 'Orthanc' : undefined, ctx);
    details.login = outcome.login;
    if (outcome.authorization && outcome.response && isQidoAnswer(outcome.response)) {
      details.access = outcome.credentialClass === 'blank' ? 'blank-credentials' : 'default-credentials';
      return { root, auth: { Authorization: outcome.authorization } };
    }
    return 'login';
  };
  let loginSeen = false;
  for (const [i, root] of QIDO_ROOTS.entries()) {
    const r = await tryRoot(root, i === 0 ? session.first : undefined);
    if (r === 'login') loginSeen = true;
    else if (r) return r;
    // A server that asks for a login on the first root asks on every root: one login check per service.
    if (loginSeen) break;
  }
  if (!loginSeen) {
    for (const root of await dcm4cheeRoots(session.client, {})) {
      const r = await tryRoot(root);
      if (r === 'login') {
        loginSeen = true;
        break;
      }
      if (r) return r;
    }
  }
  if (loginSeen) details.access = 'login-required';
  return undefined;
}

async function run(endpoint: Endpoint, ctx: ProbeContext): Promise<Observation> {
  const { signal, done } = startWebProbe('dicomweb', endpoint, ctx);
  let session: WebSession;
  try {
    session = await openWebSession(endpoint, ctx, signal, studiesPath(QIDO_ROOTS[0], 1, 0), ACCEPT);
  } catch (err) {
    const f = webFailure(err, 'connect');
    return done({ status: f.status, tls: false, exposure: {}, error: f.error });
  }
  const tls = { tls: session.scheme === 'https', ...(session.first.tls ? { tlsInfo: session.first.tls } : {}) };
  const noLogin: WebLogin = { kind: 'none', check: 'not-applicable', attempts: 0 };
  const details: DicomwebDetails = {
    protocol: 'dicomweb',
    scheme: session.scheme,
    roots: [],
    access: 'none',
    login: noLogin,
    qido: { outcome: 'not-attempted', pages: 0, studies: 0, capped: false },
  };
  let found: Found | undefined;
  try {
    found = await findRoot(session, ctx, details);
  } catch (err) {
    const f = webFailure(err, 'find-root');
    return done({ status: f.status === 'not-this-protocol' ? 'protocol-error' : f.status, ...tls, exposure: {}, details, error: f.error });
  }
  if (!found) {
    if (details.access === 'login-required') {
      details.qido.outcome = 'refused';
      return done({ status: 'rejected', ...tls, exposure: {}, details });
    }
    return done({ status: 'not-this-protocol', ...tls, exposure: {} });
  }
  if (details.access === 'none') details.access = 'open';
  details.root = found.root;

  const inventory = new InventoryBuilder();
  const patients = ctx.pseudonyms.counter();
  let series = 0;
  let images = 0;
  let seriesKnown = true;
  let imagesKnown = true;
  const maxPages = Math.ceil(ctx.limits.maxRecords / PAGE) + 1;
  let broken: { code: string; message: string; phase: string } | undefined;
  try {
    while (details.qido.pages < maxPages) {
      const room = ctx.limits.maxRecords - details.qido.studies;
      if (room <= 0) {
        details.qido.capped = true;
        break;
      }
      const limit = Math.min(PAGE, room);
      const res = await session.client.request({ path: studiesPath(found.root, limit, details.qido.studies), headers: { ...ACCEPT, ...found.auth } });
      if (!isQidoAnswer(res) || res.truncated) {
        details.qido.outcome = 'malformed';
        break;
      }
      // At most `room` datasets are read, whatever the page holds: --max-records bounds the work, not the peer.
      const page = readQidoPage(res.body, (id) => patients.add(id), room);
      details.qido.pages += 1;
      if (!page.ok) {
        details.qido.outcome = 'malformed';
        break;
      }
      for (const s of page.studies) {
        inventory.addRecord(s.nonEmptyTags);
        if (s.seriesCount === undefined) seriesKnown = false;
        else series += s.seriesCount;
        if (s.instanceCount === undefined) imagesKnown = false;
        else images += s.instanceCount;
      }
      details.qido.studies += page.studies.length;
      details.qido.outcome = 'success';
      if (page.more) {
        details.qido.capped = true;
        break;
      }
      // Fewer than asked: the last page. More than asked: the server ignores limit (PS3.18 8.3.4.4),
      // and offset with it, so this page was the whole answer and asking again would count it twice.
      if (page.studies.length !== limit) break;
    }
  } catch (err) {
    const f = webFailure(err, 'qido');
    broken = f.error;
    // Studies read before a network failure stand (as lower bounds); an answer that broke HTTP, or
    // anything that is not a network failure at all, is a protocol error, never a success.
    const network = err instanceof NetError || (!(err instanceof HttpProtocolError) && f.error.code !== 'other');
    if (!network) details.qido.outcome = 'malformed';
  }
  const malformed = details.qido.outcome === 'malformed';
  if (malformed && !broken) broken = { code: 'QIDO_MALFORMED', message: 'the studies query answered something that is not a DICOM JSON array', phase: 'qido' };
  const n = details.qido.studies;
  const ended = { status: malformed ? ('protocol-error' as const) : ('success' as const), ...(broken ? { error: broken } : {}) };
  if (n === 0 && broken) return done({ ...ended, ...tls, exposure: {}, details });
  // Studies listed before a later page failed were read: they stand, as lower bounds.
  const atLeast = details.qido.capped || broken !== undefined;
  return done({
    ...ended,
    ...tls,
    exposure: {
      studies: { n, atLeast },
      patients: { n: patients.size, atLeast },
      ...(n > 0 && seriesKnown ? { series: { n: series, atLeast } } : {}),
      ...(n > 0 && imagesKnown ? { images: { n: images, atLeast } } : {}),
    },
    inventory: inventory.build(),
    details,
  });
}

export const dicomwebProbe: Probe = definedProbe('dicomweb', catalogued('dicomweb').defaultPorts, catalogued('dicomweb').summary, run);
