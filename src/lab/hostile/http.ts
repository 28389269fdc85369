/**
 * HTTP/1.1 scripts of the hostile peers (RFC 9112): one request per
 * connection, answered by path, then closed (the scanner asks for
 * `Connection: close`). Routes are data: a path prefix and a response.
 */
import type { Step } from './script.ts';

export interface HttpAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export interface Route {
  /** The first route whose prefix starts the request's path answers it. */
  readonly prefix: string;
  readonly answer: HttpAnswer;
}

const REASONS: Readonly<Record<number, string>> = { 200: 'OK', 302: 'Found', 401: 'Unauthorized', 404: 'Not Found' };

function httpResponse(a: HttpAnswer): Buffer {
  const body = typeof a.body === 'string' ? Buffer.from(a.body, 'latin1') : (a.body ?? Buffer.alloc(0));
  const headers = { 'Content-Type': 'text/html', ...a.headers, 'Content-Length': String(body.length), Connection: 'close' };
  const head = `HTTP/1.1 ${a.status} ${REASONS[a.status] ?? 'Status'}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** The request target of a request head ("GET /system HTTP/1.1" → "/system"). */
function requestPath(head: Buffer): string {
  const line = head.subarray(0, Math.max(0, head.indexOf('\r\n'))).toString('latin1');
  return line.split(' ')[1] ?? '/';
}

const NOT_FOUND: HttpAnswer = { status: 404, body: 'not found' };

/** Reads one request head, answers by route, closes. */
export function httpServer(routes: readonly Route[]): Step[] {
  return [
    { expect: { httpHead: true } },
    {
      send: (head) => {
        const path = requestPath(head);
        return httpResponse(routes.find((r) => path.startsWith(r.prefix))?.answer ?? NOT_FOUND);
      },
    },
    { close: true },
  ];
}

/** A DICOM JSON page (PS3.18 F.2) whose one value is an array nested `depth` deep: valid JSON, a recursion trap. */
export function deepQidoPage(depth: number): Buffer {
  return Buffer.from(`[{"0020000D":{"vr":"UI","Value":["2.25.1"]},"00081030":{"vr":"LO","Value":[${'['.repeat(depth)}"x"${']'.repeat(depth)}]}}]`, 'latin1');
}

/** The roots a QIDO-RS client tries (PS3.18 10.6; the probe's list, written here again: the lab does not import probes). */
export const QIDO_PREFIXES = ['/dicom-web', '/dicomweb', '/wado-rs', '/rs', '/dcm4chee-arc'] as const;
