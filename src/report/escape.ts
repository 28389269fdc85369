/**
 * Escaping for each output format. Any string in a report may have come from
 * a peer (a product version, an AE title echoed back) or from a tampered
 * database, so every string goes through one of these, whatever its origin.
 */

// C0 and C1 controls (ESC starts terminal sequences; C1 0x9B is a one-byte CSI),
// DEL, and the invisible bidi and zero-width marks that can make text display
// differently from what it is (CVE-2021-42574, "Trojan Source").
const INVISIBLE = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;

/** One line of printable text: line breaks become a space, controls are removed. */
export function plain(s: string): string {
  return s.replace(LINE_BREAKS, ' ').replace(INVISIBLE, '');
}

// OWASP "CSV injection": a spreadsheet runs a cell starting with these as a formula.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field, guarded against formula injection. */
export function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  let s = plain(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// Everything that can start inline Markdown or GitHub syntax: emphasis, code,
// links, raw HTML, tables, strikethrough, entities, @mentions and #references.
// Block syntax ("- ", "1. ", "> ") only acts at the start of a line, and the
// renderer never puts an escaped string there, so - + . stay readable (rule ids,
// IPs); ( ) only make a link after ], which is escaped.
const MARKDOWN_SPECIAL = /[\\`*_[\]<>#|~&@]/g;

/** Text safe inside a Markdown paragraph, list item or table cell. */
export function markdownText(s: string): string {
  return plain(s).replace(MARKDOWN_SPECIAL, (c) => `\\${c}`);
}

/**
 * A fenced code block (CommonMark 4.5) holding `text` verbatim on one line:
 * inside it nothing is Markdown, so nothing is backslash-escaped; the fence is
 * longer than any run of backticks in the text, so the text cannot close it.
 */
export function markdownCodeBlock(text: string, indent = ''): string[] {
  const line = plain(text);
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${indent}${fence}sh`, `${indent}${line}`, `${indent}${fence}`];
}

// Characters a POSIX shell (and zsh, bash) reads literally in a word, none of
// them special at its start either (zsh expands a leading "=", sh a leading "~").
const SHELL_LITERAL = /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/;

/**
 * One POSIX shell word for `s`: as is when every character is literal, else
 * in single quotes, inside which the shell expands nothing (POSIX 2.2.2); a
 * quote in `s` closes the quoting, is escaped, and reopens it.
 */
export function shellWord(s: string): string {
  return SHELL_LITERAL.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** Text safe for a terminal (no escape sequences, one line). */
export const terminalText = plain;

function codePointWidth(cp: number): number {
  if (cp >= 0x0300 && cp <= 0x036f) return 0; // combining diacritics
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2; // East Asian wide and emoji: two terminal columns
  }
  return 1;
}

/** Terminal columns a string (already passed through plain()) takes. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += codePointWidth(ch.codePointAt(0) ?? 0);
  return w;
}

/** Cuts to at most `width` columns, marking the cut with an ellipsis. */
export function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 0) return '';
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = codePointWidth(ch.codePointAt(0) ?? 0);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

export function pad(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return align === 'left' ? s + fill : fill + s;
}
