/**
 * What the three web probes share: finding the scheme a port speaks (HTTP or
 * HTTPS), and the opt-in login check.
 *
 * Scheme: the one the port was seen to speak when the scan identified it, else
 * 443 and 8443 with TLS first and every other port in clear first; the other
 * scheme is tried only when the first one's answer was not HTTP at all (a TLS
 * server reading plain text, or the reverse).
 */
import { NetError, statusOfNetError, toNetError } from '../../net/errors.ts';
import { createHttpClient, HttpProtocolError, type HttpClient, type HttpResponse } from '../../net/http.ts';
import type { Endpoint, Observation, ProtocolId, WebLogin } from '../../observation/observation.ts';
import type { ProbeContext } from '../probe.ts';
import { basicAuthorization, parseChallenge } from './auth.ts';
import { loginCandidates, type CredentialClass } from './default-credentials.ts';
import { hasPasswordField } from './html.ts';

export type WebScheme = 'http' | 'https';

const TLS_FIRST_PORTS = new Set([443, 8443]);
/** Bodies the web probes read: an HTML page or a page of QIDO-RS results. */
export const WEB_BODY_CAP = 2 << 20;

export interface WebSession {
  readonly client: HttpClient;
  readonly scheme: WebScheme;
  /** The answer to the first request, which settled the scheme. */
  readonly first: HttpResponse;
}

function clientFor(endpoint: Endpoint, ctx: ProbeContext, signal: AbortSignal, secure: boolean): HttpClient {
  return createHttpClient({
    dialer: ctx.dialer,
    endpoint,
    secure,
    userAgent: ctx.identity.userAgent,
    connectTimeoutMs: ctx.limits.connectTimeoutMs,
    timeoutMs: ctx.limits.ioTimeoutMs,
    maxBodyBytes: WEB_BODY_CAP,
    signal,
  });
}

/** Would the other scheme have a chance? True when what came back was not HTTP in this scheme. */
function wrongScheme(err: unknown): boolean {
  if (err instanceof HttpProtocolError) return true;
  const e = toNetError(err);
  return e.code === 'tls-error' || e.code === 'connection-reset' || e.code === 'closed' || e.code === 'other';
}

/** Sends `path` in the likelier scheme, then the other; throws what the last attempt threw. */
export async function openWebSession(
  endpoint: Endpoint,
  ctx: ProbeContext,
  signal: AbortSignal,
  path: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<WebSession> {
  const tlsFirst = ctx.web?.scheme !== undefined ? ctx.web.scheme === 'https' : TLS_FIRST_PORTS.has(endpoint.port);
  const order: boolean[] = tlsFirst ? [true, false] : [false, true];
  let last: unknown;
  for (const secure of order) {
    const client = clientFor(endpoint, ctx, signal, secure);
    try {
      const first = await client.request({ path, headers });
      return { client, scheme: secure ? 'https' : 'http', first };
    } catch (err) {
      last = err;
      if (!wrongScheme(err)) throw err;
    }
  }
  // Neither scheme got an HTTP answer: whatever listens there does not speak HTTP.
  throw last instanceof HttpProtocolError ? last : new HttpProtocolError(toNetError(last ?? new NetError('other', 'no scheme answered')).code.toUpperCase());
}

/** What a response says about the login in front of it. */
export function loginOf(res: HttpResponse): Pick<WebLogin, 'kind' | 'realm'> {
  if (res.status === 401) {
    const c = parseChallenge(res.headers['www-authenticate']);
    if (!c) return { kind: 'other' };
    return c.realm === undefined ? { kind: c.scheme } : { kind: c.scheme, realm: c.realm };
  }
  if (res.status >= 200 && res.status < 300 && hasPasswordField(res.body)) return { kind: 'form' };
  if (res.status === 403) return { kind: 'other' };
  return { kind: 'none' };
}

export interface LoginOutcome {
  readonly login: WebLogin;
  /** The Authorization header that worked: kept in memory for the probe's next requests, never recorded. */
  readonly authorization?: string;
  readonly credentialClass?: CredentialClass;
  /** The response to the request that got through. */
  readonly response?: HttpResponse;
}

/**
 * With --check-logins and an HTTP Basic challenge, sends a blank credential,
 * then the product's documented defaults (default-credentials.ts), stopping at
 * the first that gets a 2xx. Without the flag, or for any other kind of login,
 * it records the login and sends nothing.
 */
export async function checkLogin(client: HttpClient, path: string, challenged: HttpResponse, product: string | undefined, ctx: ProbeContext): Promise<LoginOutcome> {
  const seen = loginOf(challenged);
  const base: WebLogin = { ...seen, check: 'not-checked', attempts: 0 };
  if (seen.kind === 'none') return { login: { ...base, check: 'not-applicable' } };
  if (ctx.web?.checkLogins !== true) return { login: base };
  // Only HTTP Basic is tried: a form or a token login would need product-specific requests.
  if (seen.kind !== 'basic') return { login: { ...base, check: 'not-applicable' } };
  let attempts = 0;
  for (const candidate of loginCandidates(product)) {
    const authorization = basicAuthorization(candidate.user, candidate.password);
    attempts += 1;
    const res = await client.request({ path, headers: { Authorization: authorization } });
    if (res.status >= 200 && res.status < 300) {
      const login: WebLogin =
        candidate.credentialClass === 'blank'
          ? { ...base, check: 'blank-accepted', attempts }
          : { ...base, check: 'default-accepted', attempts, defaultUser: candidate.user };
      return { login, authorization, credentialClass: candidate.credentialClass, response: res };
    }
  }
  return { login: { ...base, check: 'refused', attempts } };
}

/** Where a failure of a web exchange lands in the status set; the message is ours, never the peer's bytes. */
export function webFailure(err: unknown, phase: string): { status: import('../../observation/observation.ts').ProbeStatus; error: { code: string; message: string; phase: string } } {
  if (err instanceof HttpProtocolError) return { status: 'not-this-protocol', error: { code: err.code, message: err.message, phase } };
  const e = toNetError(err);
  return { status: statusOfNetError(e), error: { code: e.code, message: e.message, phase } };
}

export type WebObservationBody = Omit<Observation, 'durationMs' | 'protocol' | 'endpoint' | 'startedAt' | 'exposure'> & Partial<Pick<Observation, 'exposure'>>;

/** A web probe's clock and bounds: its signal (the harness's deadline, probe.ts) and how it closes an Observation. */
export function startWebProbe(protocol: ProtocolId, endpoint: Endpoint, ctx: ProbeContext): { signal: AbortSignal; done: (o: WebObservationBody) => Observation } {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  return {
    signal: ctx.signal,
    done: (o) => ({ exposure: {}, ...o, protocol, endpoint, startedAt, durationMs: Math.round(performance.now() - started) }),
  };
}
