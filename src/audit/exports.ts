/**
 * The kernel NFS server's /etc/exports as exportfs reads it (exports(5),
 * nfs-utils): one export per line, a line ending in `\` continued on the
 * next, `#` starting a comment, the path first (double quotes around one
 * with spaces), then clients, each optionally followed with no space by a
 * parenthesised option list. A client written "*", a /0 network, an option
 * list with no client before it ("/pub (ro)", the classic slip of a space),
 * or no client at all means every host. "-opts" after the path sets the
 * defaults of the clients after it on that line. Built-in defaults: ro,
 * root_squash, secure, sec=sys.
 */
import { matchesEveryone } from './clients.ts';
import { ConfigProblem } from './finding.ts';
import type { AuditLimits } from './limits.ts';
import type { NfsAccess, NfsClientRule, NfsConfig, NfsExport, NfsSetting, NfsSquash } from './nfs.ts';
import { linesOf, type ConfigText } from './text.ts';

interface Token {
  readonly text: string;
  readonly column: number;
}

interface Options {
  access: NfsSetting<NfsAccess>;
  squashRoot: NfsSetting<boolean>;
  squashAll: NfsSetting<boolean>;
  sec: NfsSetting<readonly string[]>;
  insecure: boolean;
}

const DEFAULTS = (line: number): Options => ({
  access: { value: 'ro', setting: `ro/rw of the export on line ${line}`, defaultValue: 'ro' },
  squashRoot: { value: true, setting: `root_squash of the export on line ${line}`, defaultValue: 'root_squash' },
  squashAll: { value: false, setting: `all_squash of the export on line ${line}`, defaultValue: 'no_all_squash' },
  sec: { value: ['sys'], setting: `sec= of the export on line ${line}`, defaultValue: 'sys' },
  insecure: false,
});

const SEC_FLAVOURS = new Set(['sys', 'krb5', 'krb5i', 'krb5p', 'none']);

/** Whitespace-separated tokens, a double-quoted one kept whole; `#` outside quotes ends the line. */
function tokens(text: string, line: number): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    if (text[i] === '#') break;
    const start = i;
    let quoted = false;
    while (i < text.length && (quoted || !/\s/.test(text[i]!))) {
      if (text[i] === '"') quoted = !quoted;
      i++;
    }
    if (quoted) throw new ConfigProblem(`line ${line}: a double quote is not closed (exportfs refuses the entry)`);
    out.push({ text: text.slice(start, i), column: start + 1 });
  }
  return out;
}

/** Applies one option list ("rw,no_root_squash,sec=krb5p:sys") onto `o`, recording where each took effect. */
function applyOptions(o: Options, list: string, line: number, column: number): void {
  let offset = 0;
  for (const opt of list.split(',')) {
    const at = { line, column: column + offset };
    offset += opt.length + 1;
    if (opt === 'rw' || opt === 'ro') o.access = { ...o.access, value: opt, setting: opt, at };
    else if (opt === 'root_squash' || opt === 'no_root_squash') o.squashRoot = { ...o.squashRoot, value: opt === 'root_squash', setting: opt, at };
    else if (opt === 'all_squash' || opt === 'no_all_squash') o.squashAll = { ...o.squashAll, value: opt === 'all_squash', setting: opt, at };
    else if (opt === 'insecure' || opt === 'secure') o.insecure = opt === 'insecure';
    else if (opt.startsWith('sec=')) {
      const flavours = opt.slice(4).split(':');
      const bad = flavours.find((f) => !SEC_FLAVOURS.has(f));
      if (bad !== undefined) throw new ConfigProblem(`line ${line}: sec= names a flavour other than sys, krb5, krb5i, krb5p, none (exportfs refuses the entry)`);
      o.sec = { ...o.sec, value: flavours, setting: 'sec=', at };
    }
  }
}

function squashOf(o: Options): NfsSetting<NfsSquash> {
  if (o.squashAll.value) return { ...o.squashAll, value: 'all' };
  return { ...o.squashRoot, value: o.squashRoot.value ? 'root' : 'none' };
}

function rule(o: Options, everyone: boolean, named: { setting: string; line: number; column: number }): NfsClientRule {
  const where = named.setting === 'client' ? `the client at column ${named.column}` : named.setting;
  return { everyone, where, named, access: o.access, squash: squashOf(o), sec: o.sec, ...(o.insecure ? { insecure: true } : {}) };
}

function parseLine(toks: readonly Token[], line: number): NfsExport {
  const [path, ...rest] = toks;
  if (!path!.text.startsWith('/') && !path!.text.startsWith('"/')) throw new ConfigProblem(`line ${line}: an export path must be absolute (exportfs refuses the entry)`);
  let defaults = DEFAULTS(line);
  const clients: NfsClientRule[] = [];
  for (const t of rest) {
    if (t.text.startsWith('-')) {
      defaults = { ...defaults };
      applyOptions(defaults, t.text.slice(1), line, t.column + 1);
      continue;
    }
    const open = t.text.indexOf('(');
    const name = open < 0 ? t.text : t.text.slice(0, open);
    const o: Options = { ...defaults };
    if (open >= 0) {
      if (!t.text.endsWith(')') || t.text.indexOf('(', open + 1) >= 0) throw new ConfigProblem(`line ${line}, column ${t.column}: an option list is not closed by ")" (exportfs refuses the entry)`);
      applyOptions(o, t.text.slice(open + 1, -1), line, t.column + open + 1);
    }
    const everyone = name === '' || matchesEveryone(name);
    const setting = name === '' ? 'option list after a space, with no client' : everyone ? `client "${name}"` : 'client';
    clients.push(rule(o, everyone, { setting, line, column: t.column }));
  }
  if (clients.length === 0) clients.push(rule(defaults, true, { setting: 'no client named', line, column: path!.column }));
  return { line, clients };
}

export function parseExports(t: ConfigText, limits: AuditLimits): NfsConfig {
  const exports: NfsExport[] = [];
  let pending: { text: string; line: number } | undefined;
  const lines = linesOf(t);
  lines.forEach((raw, index) => {
    const start = pending ?? { text: '', line: index + 1 };
    const continued = raw.endsWith('\\') && !/^\s*#/.test(raw);
    const text = start.text + (continued ? `${raw.slice(0, -1)} ` : raw);
    if (text.length > limits.maxLineChars) throw new ConfigProblem(`line ${start.line}: continued past ${limits.maxLineChars} characters (a backslash ends every line)`);
    pending = continued && index < lines.length - 1 ? { text, line: start.line } : undefined;
    if (pending) return;
    const toks = tokens(text, start.line);
    if (toks.length === 0) return;
    if (exports.length >= limits.maxEntries) throw new ConfigProblem(`holds more than ${limits.maxEntries} exports`);
    exports.push(parseLine(toks, start.line));
  });
  return { server: 'kernel', exports };
}
