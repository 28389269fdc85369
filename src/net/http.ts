/**
 * A small HTTP/1.1 client over the dialer, for the web probes.
 *
 * node:http parses the messages; every socket comes from `dialer.socket`, so
 * scope, pacing, the connect timeout and the byte cap are enforced as for any
 * protocol. On
 * top of that, each request has a deadline and an AbortSignal, a response body
 * is read up to a byte cap (then the socket is destroyed), redirects are
 * followed only to the same scheme, host and port, and TLS certificates are
 * recorded, never verified. One connection per request (`Connection: close`):
 * a probe sends a handful of requests, and no socket outlives its request.
 */
import type http from 'node:http';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Endpoint, TlsInfo } from '../observation/observation.ts';
import { abortError } from './deadline.ts';
import type { Dialer } from './dialer.ts';
import { NetError, toNetError } from './errors.ts';
import { tlsInfoOf } from './tls-info.ts';

/**
 * node:http as CommonJS hands it out. An ESM import evaluates every export of the module, and
 * its WebSocket, EventSource and related getters load Node's bundled fetch client: about 14 MB
 * of resident memory, at start and through a scan, for nothing a probe uses.
 */
const { request: httpRequest } = process.getBuiltinModule('node:http');

export interface HttpClientOptions {
  readonly dialer: Dialer;
  readonly endpoint: Endpoint;
  /** HTTPS when true. */
  readonly secure: boolean;
  readonly userAgent: string;
  readonly connectTimeoutMs: number;
  /** Deadline for one request, connect to last body byte. */
  readonly timeoutMs: number;
  /** Largest body kept; beyond it reading stops and `truncated` is set. */
  readonly maxBodyBytes: number;
  readonly signal?: AbortSignal;
  /** Same-origin redirects followed per request (default 3). */
  readonly maxRedirects?: number;
}

export interface HttpRequest {
  readonly method?: 'GET' | 'HEAD' | 'POST';
  /** Absolute path with query, e.g. "/dicom-web/studies?limit=10". */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Overrides the client's body cap for this request. */
  readonly maxBodyBytes?: number;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The body was longer than the cap and was cut. */
  readonly truncated: boolean;
  /** Path of the response returned, after same-origin redirects. */
  readonly path: string;
  readonly redirects: number;
  /** A redirect pointed to another scheme, host or port and was not followed. */
  readonly offOriginRedirect: boolean;
  readonly tls?: TlsInfo;
}

/** The peer does not speak HTTP (its bytes failed node's parser). Never carries the peer's bytes. */
export class HttpProtocolError extends Error {
  override readonly name = 'HttpProtocolError';
  constructor(readonly code: string) {
    super(`the peer's answer is not HTTP/1.x (${code})`);
  }
}

export interface HttpClient {
  readonly endpoint: Endpoint;
  readonly secure: boolean;
  request(req: HttpRequest): Promise<HttpResponse>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { endpoint, secure } = options;
  const host = endpoint.hostname ?? endpoint.ip;
  const defaultPort = secure ? 443 : 80;
  const hostHeader = `${host}${endpoint.port === defaultPort ? '' : `:${endpoint.port}`}`;
  const origin = `${secure ? 'https' : 'http'}://${hostHeader}`;

  const sameOrigin = (location: string, base: string): string | undefined => {
    let url: URL;
    try {
      url = new URL(location, origin + base);
    } catch {
      return undefined;
    }
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : -1) : Number(url.port);
    const scheme = secure ? 'https:' : 'http:';
    if (url.protocol !== scheme || port !== endpoint.port || url.hostname.toLowerCase() !== host.toLowerCase()) return undefined;
    return url.pathname + url.search;
  };

  return {
    endpoint,
    secure,
    async request(req) {
      let path = req.path;
      const max = options.maxRedirects ?? 3;
      for (let redirects = 0; ; redirects++) {
        const res = await exchange(options, hostHeader, { ...req, path });
        const location = res.headers['location'];
        if (!REDIRECTS.has(res.status) || location === undefined || (req.method ?? 'GET') !== 'GET') return { ...res, redirects };
        const next = sameOrigin(location, path);
        if (next === undefined) return { ...res, redirects, offOriginRedirect: true };
        if (redirects >= max) return { ...res, redirects };
        path = next;
      }
    },
  };
}

function flatten(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function exchange(options: HttpClientOptions, hostHeader: string, req: HttpRequest): Promise<Omit<HttpResponse, 'redirects'>> {
  const cap = req.maxBodyBytes ?? options.maxBodyBytes;
  return new Promise((resolve, reject) => {
    let settled = false;
    let tls: TlsInfo | undefined;
    let socket: net.Socket | undefined;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      cleanup();
      request.destroy();
      socket?.destroy();
      reject(err);
    };
    // The signal's reason says which bound ran out (a probe's deadline is an io-timeout).
    const onAbort = (): void => fail(abortError(options.signal, 'HTTP request aborted'));
    const timer = setTimeout(() => fail(new NetError('io-timeout', `no complete HTTP answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    if (options.signal?.aborted) {
      clearTimeout(timer);
      reject(abortError(options.signal, 'HTTP request aborted before it started'));
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const headers: Record<string, string> = {
      Host: hostHeader,
      'User-Agent': options.userAgent,
      Accept: '*/*',
      Connection: 'close',
      ...req.headers,
    };
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    const request = httpRequest({
      method: req.method ?? 'GET',
      path: req.path,
      headers,
      // No agent: our own connection function, one socket per request.
      createConnection: (_args, oncreate) => {
        options.dialer
          .socket(options.endpoint, {
            connectTimeoutMs: options.connectTimeoutMs,
            // The socket never outlives its request, even one node:http still holds.
            deadlineMs: options.timeoutMs,
            ...(options.signal ? { signal: options.signal } : {}),
            tls: options.secure ? (options.endpoint.hostname ? { servername: options.endpoint.hostname } : {}) : false,
          })
          .then(
            (s) => {
              socket = s;
              if (settled) {
                s.destroy();
                return;
              }
              if (options.secure) tls = tlsInfoOf(s as TLSSocket);
              oncreate(null, s);
            },
            (err: unknown) => oncreate(toNetError(err), undefined as unknown as net.Socket),
          );
        // node:http accepts an asynchronous connection through `oncreate` when nothing is returned.
        return undefined as unknown as net.Socket;
      },
    });
    request.on('error', (err: Error & { code?: string }) => {
      if (typeof err.code === 'string' && err.code.startsWith('HPE_')) fail(new HttpProtocolError(err.code));
      else fail(toNetError(err));
    });
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const finish = (): void => {
        if (settled) return;
        settled = true;
        cleanup();
        resolve({
          status: res.statusCode ?? 0,
          headers: flatten(res.headers),
          body: Buffer.concat(chunks),
          truncated,
          path: req.path,
          offOriginRedirect: false,
          ...(tls ? { tls } : {}),
        });
        socket?.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = cap - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, Math.max(0, room)));
          size = cap;
          truncated = true;
          // Stop reading: whatever else the peer sends is never buffered.
          res.destroy();
          finish();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', finish);
      res.on('error', (err) => fail(toNetError(err)));
      res.on('close', () => {
        if (!settled && res.complete) finish();
        else if (!settled) fail(new NetError('closed', 'the peer closed before the HTTP body was complete'));
      });
    });
    request.end(req.body);
  });
}
