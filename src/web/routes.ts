/** The pages a logged-in session may read: a path pattern (its numbers become ids) and its handler. */
import * as h from './handlers.ts';

export interface Route {
  readonly path: RegExp;
  readonly handler: h.Handler;
  /** Images and JSON answer 401 to a request without a session; pages send the browser to the login page. */
  readonly kind: 'page' | 'data';
}

const ROUTES: readonly Route[] = [
  { path: /^\/$/, handler: h.runs, kind: 'page' },
  { path: /^\/runs\/(\d{1,15})$/, handler: h.run, kind: 'page' },
  { path: /^\/runs\/(\d{1,15})\/findings$/, handler: h.findings, kind: 'page' },
  { path: /^\/runs\/(\d{1,15})\/services\/(\d{1,15})$/, handler: h.service, kind: 'page' },
  { path: /^\/runs\/(\d{1,15})\/charts\/(\d)\.svg$/, handler: h.chart, kind: 'data' },
  { path: /^\/runs\/(\d{1,15})\/live$/, handler: h.live, kind: 'page' },
  { path: /^\/runs\/(\d{1,15})\/live\.json$/, handler: h.liveJson, kind: 'data' },
  { path: /^\/runs\/(\d{1,15})\/timeline$/, handler: h.timeline, kind: 'page' },
  { path: /^\/runs\/(\d{1,15})\/timeline\/(\d)\.svg$/, handler: h.timelineChart, kind: 'data' },
  { path: /^\/diff$/, handler: h.diff, kind: 'page' },
];

export function route(pathname: string): { route: Route; ids: number[] } | undefined {
  for (const r of ROUTES) {
    const m = r.path.exec(pathname);
    if (m) return { route: r, ids: m.slice(1).map(Number) };
  }
  return undefined;
}
