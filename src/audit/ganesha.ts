/**
 * nfs-ganesha's configuration (ganesha-config(8), ganesha-export-config(8)):
 * blocks `NAME { … }` holding `Name = value[, value…];` parameters and
 * blocks, `#` comments, values bare or quoted, names and enum values in any
 * case. Read by a loop over tokens with an explicit stack, so a deep file is
 * refused at the depth limit, not by the call stack. `%include` is not
 * followed (a note says so).
 *
 * Permissions resolve as ganesha resolves them: a client is granted by the
 * first CLIENT block whose Clients match it, else by the EXPORT's own
 * options; an option missing from a CLIENT block is the EXPORT's, then
 * EXPORT_DEFAULTS', then the built-in default (Access_Type None, Squash
 * root_squash, SecType none and sys, Protocols 3 and 4).
 */
import { matchesEveryone } from './clients.ts';
import { ConfigProblem } from './finding.ts';
import type { AuditLimits } from './limits.ts';
import type { NfsAccess, NfsClientRule, NfsConfig, NfsExport, NfsSetting, NfsSquash } from './nfs.ts';
import { nameText, positionOf, type ConfigText } from './text.ts';

export interface GaneshaParameter {
  /** As written, for messages. */
  readonly written: string;
  readonly values: readonly string[];
  readonly line: number;
  readonly column: number;
}

export interface GaneshaBlock {
  /** Folded to lower case, as ganesha compares. */
  readonly name: string;
  readonly line: number;
  readonly parameters: Map<string, GaneshaParameter>;
  readonly blocks: GaneshaBlock[];
}

type TokenKind = 'word' | 'string' | '{' | '}' | '=' | ';' | ',';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly offset: number;
}

const PUNCTUATION = new Set(['{', '}', '=', ';', ',']);

function* tokens(t: ConfigText): Generator<Token> {
  const s = t.text;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '#') i = s.indexOf('\n', i) < 0 ? s.length : s.indexOf('\n', i);
    else if (PUNCTUATION.has(c)) yield { kind: c as TokenKind, text: c, offset: i++ };
    else if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1);
      if (end < 0) throw new ConfigProblem(`line ${positionOf(t, i).line}: a quoted value is not closed (ganesha refuses the file)`);
      yield { kind: 'string', text: s.slice(i + 1, end), offset: i };
      i = end + 1;
    } else {
      const start = i;
      while (i < s.length && !/[\s{}=;,#"']/.test(s[i]!)) i++;
      yield { kind: 'word', text: s.slice(start, i), offset: start };
    }
  }
}

/** The blocks of the file: a loop and a stack of open blocks, bounded in depth and entries. */
export function parseGanesha(t: ConfigText, limits: AuditLimits): { root: GaneshaBlock; notes: string[] } {
  const root: GaneshaBlock = { name: '', line: 0, parameters: new Map(), blocks: [] };
  const stack: GaneshaBlock[] = [root];
  const notes: string[] = [];
  const it = tokens(t);
  const lineAt = (tok: Token): number => positionOf(t, tok.offset).line;
  const next = (after: string): Token => {
    const r = it.next();
    if (r.done) throw new ConfigProblem(`the file ends ${after} (ganesha refuses the file)`);
    return r.value;
  };
  let entries = 0;
  for (let r = it.next(); !r.done; r = it.next()) {
    const tok = r.value;
    const current = stack[stack.length - 1]!;
    if (tok.kind === '}') {
      if (stack.length === 1) throw new ConfigProblem(`line ${lineAt(tok)}: a "}" closes no block (ganesha refuses the file)`);
      stack.pop();
      continue;
    }
    if (tok.kind === ';') continue; // a stray ";" after "}" is tolerated
    // A quoted value is the file's own text (a path, a secret): named by its kind, never quoted back.
    if (tok.kind !== 'word') throw new ConfigProblem(`line ${lineAt(tok)}: expected a block or parameter name, found ${tok.kind === 'string' ? 'a quoted value' : `"${tok.text}"`} (ganesha refuses the file)`);
    if ((entries += 1) > limits.maxEntries) throw new ConfigProblem(`holds more than ${limits.maxEntries} blocks and parameters`);
    if (tok.text.startsWith('%')) {
      const target = next(`after ${nameText(tok.text)}`);
      notes.push(`line ${lineAt(tok)}: ${nameText(tok.text)} is not followed: audit the file it names as well`);
      if (target.kind !== 'word' && target.kind !== 'string') throw new ConfigProblem(`line ${lineAt(tok)}: ${nameText(tok.text)} names no file (ganesha refuses the file)`);
      continue;
    }
    const { line, column } = positionOf(t, tok.offset);
    const op = next(`after "${nameText(tok.text)}"`);
    if (op.kind === '{') {
      if (stack.length > limits.maxBlockDepth) throw new ConfigProblem(`line ${line}: blocks nest deeper than ${limits.maxBlockDepth} levels`);
      const block: GaneshaBlock = { name: tok.text.toLowerCase(), line, parameters: new Map(), blocks: [] };
      current.blocks.push(block);
      stack.push(block);
      continue;
    }
    if (op.kind !== '=' || stack.length === 1) throw new ConfigProblem(`line ${line}: "${nameText(tok.text)}" is neither a block nor a parameter inside one (ganesha refuses the file)`);
    const values: string[] = [];
    for (;;) {
      const v = next(`inside the value of ${nameText(tok.text)}`);
      if (v.kind !== 'word' && v.kind !== 'string') throw new ConfigProblem(`line ${lineAt(v)}: ${nameText(tok.text)} has no value before "${v.text}" (ganesha refuses the file)`);
      values.push(v.text);
      const sep = next(`inside the value of ${nameText(tok.text)}`);
      if (sep.kind === ';') break;
      if (sep.kind !== ',') throw new ConfigProblem(`line ${lineAt(sep)}: expected "," or ";" after the value of ${nameText(tok.text)} (ganesha refuses the file)`);
    }
    current.parameters.set(tok.text.toLowerCase(), { written: tok.text, values, line, column });
  }
  if (stack.length > 1) throw new ConfigProblem(`line ${stack[stack.length - 1]!.line}: block ${nameText(stack[stack.length - 1]!.name.toUpperCase())} is not closed (ganesha refuses the file)`);
  return { root, notes };
}

const ACCESS: Readonly<Record<string, NfsAccess>> = { none: 'none', ro: 'ro', rw: 'rw', mdonly: 'mdonly', mdonly_ro: 'mdonly_ro' };
/** ganesha-export-config(8): Squash and its synonyms. */
const SQUASH: Readonly<Record<string, NfsSquash>> = {
  root: 'root', root_squash: 'root', rootsquash: 'root', rootid: 'root', root_id_squash: 'root', rootidsquash: 'root',
  all: 'all', all_squash: 'all', allsquash: 'all', all_anonymous: 'all', allanonymous: 'all',
  no_root_squash: 'none', none: 'none', noidsquash: 'none',
};
const SEC_TYPES = new Set(['none', 'sys', 'krb5', 'krb5i', 'krb5p']);
const NFS_PROTOCOLS = new Set(['3', '4', 'nfs3', 'nfs4', 'v3', 'v4', 'nfsv3', 'nfsv4']);

/** The first of the blocks (CLIENT, EXPORT, EXPORT_DEFAULTS) that sets the option. */
function resolve(chain: readonly GaneshaBlock[], option: string): GaneshaParameter | undefined {
  for (const b of chain) {
    const p = b.parameters.get(option);
    if (p) return p;
  }
  return undefined;
}

function enumValue<T>(p: GaneshaParameter, table: Readonly<Record<string, T>>): T {
  const v = p.values.length === 1 ? table[p.values[0]!.toLowerCase()] : undefined;
  if (v === undefined) throw new ConfigProblem(`line ${p.line}: ${nameText(p.written)} must be one of ${Object.keys(table).join(', ')} (ganesha rejects the export)`);
  return v;
}

function setting<T>(chain: readonly GaneshaBlock[], option: string, name: string, exportLine: number, fallback: T, defaultValue: string, read: (p: GaneshaParameter) => T): NfsSetting<T> {
  const p = resolve(chain, option);
  if (!p) return { value: fallback, setting: `${name} of the EXPORT on line ${exportLine}`, defaultValue };
  return { value: read(p), setting: p.written, at: { line: p.line, column: p.column }, defaultValue };
}

function secTypes(p: GaneshaParameter): string[] {
  const v = p.values.map((s) => s.toLowerCase());
  const bad = v.find((s) => !SEC_TYPES.has(s));
  if (bad !== undefined) throw new ConfigProblem(`line ${p.line}: ${nameText(p.written)} names a flavour other than none, sys, krb5, krb5i, krb5p (ganesha rejects the export)`);
  return v;
}

function clientRule(chain: readonly GaneshaBlock[], exportLine: number, everyone: boolean, where: string, clients?: GaneshaParameter): NfsClientRule {
  return {
    everyone,
    where,
    ...(clients ? { named: { setting: clients.written, line: clients.line, column: clients.column } } : {}),
    access: setting(chain, 'access_type', 'Access_Type', exportLine, 'none', 'None', (p) => enumValue(p, ACCESS)),
    squash: setting(chain, 'squash', 'Squash', exportLine, 'root', 'root_squash', (p) => enumValue(p, SQUASH)),
    sec: setting(chain, 'sectype', 'SecType', exportLine, ['none', 'sys'], 'none, sys', secTypes),
  };
}

function served(chain: readonly GaneshaBlock[]): boolean {
  const p = resolve(chain, 'protocols');
  return !p || p.values.some((v) => NFS_PROTOCOLS.has(v.toLowerCase()));
}

/** The file's EXPORT blocks in the NFS model; an export ganesha serves over 9P only is left out. */
export function ganeshaExports(root: GaneshaBlock): NfsConfig {
  const defaults = root.blocks.filter((b) => b.name === 'export_defaults');
  const exports: NfsExport[] = [];
  for (const e of root.blocks.filter((b) => b.name === 'export')) {
    const chain = [e, ...defaults];
    if (!served(chain)) continue;
    const clients = e.blocks
      .filter((b) => b.name === 'client')
      .map((c) => {
        const names = c.parameters.get('clients');
        return clientRule([c, ...chain], e.line, (names?.values ?? []).some(matchesEveryone), `the CLIENT block on line ${c.line}`, names);
      });
    clients.push(clientRule(chain, e.line, true, `the EXPORT block on line ${e.line}, for clients no CLIENT block names`));
    exports.push({ line: e.line, clients });
  }
  return { server: 'ganesha', exports };
}
