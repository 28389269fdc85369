/**
 * Responses with the dashboard's headers: a policy that lets a page load only
 * this server's own files (no inline script or style, no framing, forms only
 * to here), no sniffing, no referrer, no caching of pages that show findings.
 */
import type { ServerResponse } from 'node:http';

/** Pages: every script, style, image and request from this server only. */
const PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/**
 * A chart is an SVG shown through <img>, where no script runs; ECharts writes
 * its text styles as style attributes, which this policy lets through.
 */
const IMAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

export interface Reply {
  status: number;
  type: 'html' | 'json' | 'css' | 'js' | 'svg' | 'text';
  body: string;
  headers?: Record<string, string>;
}

const TYPES: Record<Reply['type'], string> = {
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml; charset=utf-8',
  text: 'text/plain; charset=utf-8',
};

function securityHeaders(secure: boolean, type: Reply['type']): Record<string, string> {
  return {
    'Content-Security-Policy': type === 'svg' ? IMAGE_POLICY : PAGE_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
    ...(secure ? { 'Strict-Transport-Security': 'max-age=31536000' } : {}),
  };
}

export function send(res: ServerResponse, reply: Reply, secure: boolean): void {
  const body = Buffer.from(reply.body, 'utf8');
  res.writeHead(reply.status, {
    ...securityHeaders(secure, reply.type),
    'Content-Type': TYPES[reply.type],
    'Content-Length': String(body.length),
    ...reply.headers,
  });
  res.end(body);
}

export function redirect(location: string, headers: Record<string, string> = {}): Reply {
  return { status: 303, type: 'text', body: `See ${location}\n`, headers: { Location: location, ...headers } };
}
