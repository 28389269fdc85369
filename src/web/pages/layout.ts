/**
 * The frame of every page: the report's stylesheet and the dashboard's own,
 * both served as files (the policy allows no inline style), a bar with the
 * way home and a log-out form, and, on the live view only, its script file.
 */
import { html } from '../../report/html-escape.ts';

export interface Frame {
  title: string;
  body: string;
  /** The session's CSRF token, for the log-out form; absent on the login page. */
  csrf?: string;
  /** Scripts served by this app (the policy forbids inline ones). */
  scripts?: readonly string[];
}

export function page(f: Frame): string {
  const logout = f.csrf
    ? `<form method="post" action="/logout" class="logout"><input type="hidden" name="csrf" value="${html(f.csrf)}"><button type="submit">Log out</button></form>`
    : '';
  const nav = f.csrf ? '<nav class="bar-nav"><a href="/">Runs</a><a href="/diff">Compare runs</a></nav>' : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${html(f.title)} · Exposure</title>
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/report.css">
<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body>
<header class="bar"><a class="home" href="/">Exposure</a>${nav}${logout}</header>
<main>
${f.body}
</main>
${(f.scripts ?? []).map((s) => `<script src="${html(s)}"></script>`).join('\n')}
</body>
</html>
`;
}

/** A link with a query string built from pairs; values are encoded, then escaped for the attribute. */
export function href(path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const q = params.toString();
  return html(q ? `${path}?${q}` : path);
}

/** A page saying something went wrong, in words a user can act on and without internals. */
export function problemPage(title: string, message: string, csrf?: string): string {
  return page({ title, csrf, body: `<h1>${html(title)}</h1>\n<p>${html(message)}</p>\n<p><a href="/">Back to the runs</a></p>` });
}
