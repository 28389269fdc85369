/** A small HTTP(S) client for the dashboard tests: any Host, Origin or Cookie header, the whole answer back. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Ask {
  method?: string;
  headers?: Record<string, string>;
  /** A form, sent urlencoded. */
  form?: Record<string, string>;
}

export async function ask(base: string, path: string, o: Ask = {}): Promise<Answer> {
  const url = new URL(path, base);
  const body = o.form ? new URLSearchParams(o.form).toString() : undefined;
  const headers: Record<string, string> = { ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}), ...o.headers };
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? (body !== undefined ? 'POST' : 'GET'), headers, timeout: 10_000, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.href} in 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The session cookie a login answer set ("name=value"), for the next requests. */
export function sessionCookie(a: Answer): string {
  const set = a.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  if (!first) throw new Error(`no cookie set (status ${a.status})`);
  return first.split(';')[0] ?? '';
}
