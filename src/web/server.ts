/**
 * The dashboard's HTTP server (node:http, or node:https with a certificate).
 * Safe by default: it binds loopback unless given TLS; every request must
 * name this server in its Host header; every page but the login page and
 * the static files needs a session, got once for the access token; a POST
 * must come from our own origin and carry the session's CSRF token; every
 * response carries the headers of respond.ts. Waits are bounded by the
 * server's timeouts and a form body by its size.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIPv4, isIPv6 } from 'node:net';
import type { Logger } from '../log.ts';
import type { RunRow, StoreReader } from '../store/index.ts';
import { ASSETS } from './assets.ts';
import { MIN_TOKEN_LENGTH, sameSecret, Sessions, type Session } from './auth.ts';
import { BadRequest, NotFound, WebError } from './errors.ts';
import { allowedHosts, hostAllowed, provenance, type Scheme } from './guard.ts';
import { keptPages } from './handlers.ts';
import { problemPage } from './pages/layout.ts';
import { loginPage } from './pages/login.ts';
import { redirect, send, type Reply } from './respond.ts';
import { route } from './routes.ts';

export interface DashboardOptions {
  store: StoreReader;
  /** Address to bind: loopback unless `tls` is given. */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** The access token a session is got for (at least MIN_TOKEN_LENGTH characters). */
  token: string;
  tls?: { cert: Buffer | string; key: Buffer | string };
  targetsOf?: (run: RunRow) => Promise<number | undefined>;
  log?: Logger;
  now?: () => number;
  /**
   * Scans a finding's endpoint again with its run's parameters and stores the
   * outcome as a run of its own (cli/serve.ts passes `exposure verify`; web/
   * cannot import the scan). Absent: no verify button.
   */
  verify?: (findingId: number) => Promise<{ runId: number }>;
}

export interface Dashboard {
  /** The address to open, e.g. http://127.0.0.1:8400/ */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The largest form body read (a login or a log-out): a few fields. */
const MAX_FORM_BYTES = 4096;

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIPv4(host) && host.startsWith('127.');
}

/** Reads a urlencoded form body of at most MAX_FORM_BYTES; undefined when larger. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(b);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Only a path of ours, never "//elsewhere" or a URL: where a login goes on to. */
function safeNext(next: string | null | undefined): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/';
}

/** Errors of ours a verification may end with, each a sentence for the user. */
const VERIFY_REFUSALS = new Set(['WatchError', 'ScanError', 'StoreError', 'OutOfScopeError', 'TargetSpecError']);

const forbidden = (why: string): Reply => ({ status: 403, type: 'text', body: `${why}\n` });

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const loopback = isLoopback(o.host);
  if (!loopback && !o.tls) {
    throw new WebError('NOT_LOOPBACK', `${o.host} is not a loopback address: the dashboard serves another host only over TLS (give --tls-cert and --tls-key)`);
  }
  if (o.token.length < MIN_TOKEN_LENGTH) throw new WebError('WEAK_TOKEN', `the access token has ${o.token.length} characters: it needs at least ${MIN_TOKEN_LENGTH} (128 bits)`);
  const scheme: Scheme = o.tls ? 'https' : 'http';
  const secure = scheme === 'https';
  const now = o.now ?? Date.now;
  const sessions = new Sessions(o.token, { secure, now });
  const kept = keptPages(now);
  let hosts: Set<string> = new Set();
  let verifying = false;

  async function login(req: IncomingMessage, url: URL, session: Session | undefined): Promise<Reply> {
    const next = safeNext(url.searchParams.get('next'));
    if (req.method === 'POST') {
      if (provenance(req.headers, scheme) === 'foreign') return forbidden('A login must come from this dashboard\'s own page.');
      const form = await readForm(req);
      if (!form) return { status: 413, type: 'text', body: 'The form is too large.\n' };
      return tokenLogin(form.get('token') ?? '', safeNext(form.get('next')));
    }
    const token = url.searchParams.get('token');
    if (token !== null) return tokenLogin(token, next);
    if (session) return redirect(next);
    return { status: 200, type: 'html', body: loginPage({ next, wrong: false }) };
  }

  function tokenLogin(token: string, next: string): Reply {
    if (!sessions.tokenMatches(token)) {
      o.log?.warn({ event: 'login-refused' }, 'a login with a wrong access token');
      return { status: 401, type: 'html', body: loginPage({ next, wrong: true }) };
    }
    const session = sessions.open();
    // Back to a URL without the token: it leaves the address bar and the history's last entry.
    return redirect(next, { 'Set-Cookie': sessions.cookie(session) });
  }

  async function logout(req: IncomingMessage, session: Session | undefined): Promise<Reply> {
    if (req.method !== 'POST') return { status: 405, type: 'text', body: 'Log out with the button.\n', headers: { Allow: 'POST' } };
    if (provenance(req.headers, scheme) === 'foreign') return forbidden('A request from another site is refused.');
    const form = await readForm(req);
    if (!session || !form || !sameSecret(form.get('csrf') ?? '', session.csrf)) return forbidden('The form\'s CSRF token is missing or not this session\'s.');
    sessions.close(session);
    return redirect('/login', { 'Set-Cookie': sessions.clearCookie() });
  }

  /** The one action: a POST from our own page, with this session's CSRF token, that rescans a finding's endpoint. */
  async function verify(req: IncomingMessage, session: Session | undefined, findingId: number): Promise<Reply> {
    if (req.method !== 'POST') return { status: 405, type: 'text', body: 'Verify with the button.\n', headers: { Allow: 'POST' } };
    if (!session) return { status: 401, type: 'text', body: 'Log in first.\n' };
    if (provenance(req.headers, scheme) === 'foreign') return forbidden('A request from another site is refused.');
    const form = await readForm(req);
    if (!form || !sameSecret(form.get('csrf') ?? '', session.csrf)) return forbidden('The form\'s CSRF token is missing or not this session\'s.');
    if (!o.verify) return { status: 404, type: 'html', body: problemPage('Not found', 'This dashboard does not verify findings.', session.csrf) };
    // One rescan at a time: a second click (or another tab) waits for the first to end.
    if (verifying) return { status: 409, type: 'html', body: problemPage('A verification is running', 'Another finding is being verified now; try again when it has ended.', session.csrf) };
    verifying = true;
    o.log?.info({ event: 'verify', finding: findingId }, 'a finding verified from the dashboard');
    try {
      const { runId } = await o.verify(findingId);
      return redirect(`/runs/${runId}`);
    } finally {
      verifying = false;
    }
  }

  async function verifyOrRefuse(req: IncomingMessage, session: Session | undefined, findingId: number): Promise<Reply> {
    try {
      return await verify(req, session, findingId);
    } catch (err) {
      // Our own errors (no such finding, a run that cannot be rescanned, out of scope) are one line a user can act on.
      if (err instanceof Error && VERIFY_REFUSALS.has(err.name)) return { status: 400, type: 'html', body: problemPage('Cannot verify this finding', err.message, session?.csrf) };
      throw err;
    }
  }

  async function answer(req: IncomingMessage): Promise<Reply> {
    if (!hostAllowed(req.headers.host, hosts)) return { status: 421, type: 'text', body: 'This server does not answer to that host name.\n' };
    const url = new URL(req.url ?? '/', `${scheme}://${req.headers.host}`);
    const session = sessions.find(req.headers.cookie);
    if (url.pathname === '/login') return login(req, url, session);
    if (url.pathname === '/logout') return logout(req, session);
    const verifyPath = /^\/findings\/(\d{1,15})\/verify$/.exec(url.pathname);
    if (verifyPath) return verifyOrRefuse(req, session, Number(verifyPath[1]));
    if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, type: 'text', body: 'Only GET and HEAD here.\n', headers: { Allow: 'GET, HEAD' } };
    const asset = ASSETS[url.pathname];
    if (asset) return { status: 200, ...asset };
    const found = route(url.pathname);
    if (!found) return { status: 404, type: 'html', body: problemPage('Not found', 'There is no such page.', session?.csrf) };
    if (!session) {
      if (found.route.kind === 'data') return { status: 401, type: 'text', body: 'Log in first.\n' };
      return redirect(`/login?${new URLSearchParams({ next: url.pathname + url.search }).toString()}`);
    }
    try {
      return await found.route.handler({ store: o.store, url, ids: found.ids, csrf: session.csrf, targetsOf: o.targetsOf, kept, now, log: o.log, canVerify: o.verify !== undefined });
    } catch (err) {
      if (err instanceof NotFound) return { status: 404, type: 'html', body: problemPage('Not found', err.message, session.csrf) };
      if (err instanceof BadRequest) return { status: 400, type: 'html', body: problemPage('Cannot show this', err.message, session.csrf) };
      throw err;
    }
  }

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    answer(req)
      .then((reply) => send(res, reply, secure))
      .catch((err: unknown) => {
        // The log gets the error's code and message (ours, never a peer's value); the page says only that it failed.
        o.log?.error({ event: 'request-failed', path: req.url?.split('?')[0], err: err instanceof Error ? err.message : String(err) }, 'a dashboard request failed');
        if (!res.headersSent) send(res, { status: 500, type: 'html', body: problemPage('Something went wrong', 'The dashboard could not answer this request; its log says why.') }, secure);
        else res.destroy();
      });
  };

  let server: Server;
  try {
    server = o.tls ? createHttpsServer({ cert: o.tls.cert, key: o.tls.key }, handle) : createHttpServer(handle);
  } catch (err) {
    throw new WebError('BAD_TLS', `the TLS certificate or key cannot be used: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Every wait bounded: a client that sends its headers or body slowly is cut off.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  hosts = allowedHosts(o.host, port, loopback);
  const shown = isIPv6(o.host) ? `[${o.host}]` : o.host;
  return {
    url: `${scheme}://${shown}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
