/**
 * The portal probe: is this web server a medical imaging product, which one,
 * and what login stands in front of it.
 *
 * It fetches the root page and, while nothing has matched, a few known paths
 * (signatures.ts); a server that matches nothing is "not-this-protocol" and is
 * not reported. Logins are only described unless the user passed
 * --check-logins (web/session.ts checkLogin). No page content is kept: only
 * signature ids, the HTTP status, the login kind and realm.
 */
import { catalogued } from '../catalogue.ts';
import type { HttpResponse } from '../../net/http.ts';
import type { Endpoint, Observation, PortalDetails, Product } from '../../observation/observation.ts';
import { definedProbe, type Probe, type ProbeContext } from '../probe.ts';
import { checkLogin, openWebSession, webFailure, type WebSession, startWebProbe } from '../web/session.ts';
import { matchSignatures, parseResponse, type PortalMatch } from './fingerprint.ts';
import { signaturePaths } from './signatures.ts';

function productOf(matches: readonly PortalMatch[]): Product | undefined {
  const first = matches[0];
  if (!first) return undefined;
  const version = matches.find((m) => m.version !== undefined)?.version;
  return {
    name: first.signature.product,
    ...(version ? { version } : {}),
    basis: `web signature ${matches.map((m) => m.signature.id).join(', ')}`,
    confidence: first.signature.confidence,
  };
}

async function fingerprint(session: WebSession): Promise<{ matches: { match: PortalMatch; path: string }[]; root: HttpResponse; rootPath: string }> {
  const root = session.first;
  const found: { match: PortalMatch; path: string }[] = matchSignatures(parseResponse(root)).map((match) => ({ match, path: root.path }));
  for (const path of signaturePaths().slice(1)) {
    if (found.length > 0) break;
    const res = await session.client.request({ path });
    for (const match of matchSignatures(parseResponse(res, path === '/favicon.ico'))) found.push({ match, path });
  }
  return { matches: found, root, rootPath: root.path };
}

async function run(endpoint: Endpoint, ctx: ProbeContext): Promise<Observation> {
  const { signal, done } = startWebProbe('portal', endpoint, ctx);
  let session: WebSession;
  try {
    session = await openWebSession(endpoint, ctx, signal, '/', { Accept: 'text/html,*/*' });
  } catch (err) {
    const f = webFailure(err, 'connect');
    return done({ status: f.status, tls: false, error: f.error });
  }
  const tls = { tls: session.scheme === 'https', ...(session.first.tls ? { tlsInfo: session.first.tls } : {}) };
  try {
    const { matches, root, rootPath } = await fingerprint(session);
    const product = productOf(matches.map((m) => m.match));
    // Not a product we know: say so, and keep nothing about the page.
    if (!product) return done({ status: 'not-this-protocol', ...tls });
    const outcome = await checkLogin(session.client, rootPath, root, product.name, ctx);
    const details: PortalDetails = {
      protocol: 'portal',
      scheme: session.scheme,
      rootStatus: root.status,
      matches: matches.map((m) => ({ signature: m.match.signature.id, path: m.path })),
      login: outcome.login,
    };
    return done({ status: 'success', ...tls, product, details });
  } catch (err) {
    const f = webFailure(err, 'fingerprint');
    return done({ status: f.status === 'not-this-protocol' ? 'protocol-error' : f.status, ...tls, error: f.error });
  }
}

export const portalProbe: Probe = definedProbe('portal', catalogued('portal').defaultPorts, catalogued('portal').summary, run);
