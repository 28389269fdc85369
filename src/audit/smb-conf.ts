/**
 * smb.conf as Samba reads it (smb.conf(5), lib/util/params.c): sections in
 * brackets, `name = value` parameters, lines starting with `;` or `#`
 * ignored, a line ending in `\` continued on the next. Section and parameter
 * names ignore case and all whitespace ("guest ok" = "GuestOK"); parameters
 * before the first section are global; a section named twice is one section.
 * Synonyms are resolved here so the checks ask for one name.
 *
 * rsync's daemon reads rsyncd.conf with a copy of Samba's params.c (rsync's
 * params.c and loadparm.c), so the same reader serves it with its own
 * dialect: no synonyms, and booleans without on/off.
 */
import { ConfigProblem, placeOf, type Place } from './finding.ts';
import type { AuditLimits } from './limits.ts';
import { linesOf, nameText, type ConfigText } from './text.ts';

export interface SambaParameter {
  /** The canonical name, folded: "guestok". */
  readonly name: string;
  /** As written, for messages (a name, never the value). */
  readonly written: string;
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

export interface SambaSection {
  /** Folded, as Samba compares: "global", "scans". */
  readonly key: string;
  /** As first written. */
  readonly name: string;
  readonly line: number;
  readonly parameters: Map<string, SambaParameter>;
}

export interface SambaConfig {
  readonly global: SambaSection;
  readonly shares: readonly SambaSection[];
  readonly notes: readonly string[];
}

/** Synonyms (smb.conf(5)) → the canonical folded name; `invert` for the ones meaning the opposite. */
const SYNONYMS: Readonly<Record<string, { name: string; invert?: true }>> = {
  public: { name: 'guestok' },
  onlyguest: { name: 'guestonly' },
  writeable: { name: 'readonly', invert: true },
  writable: { name: 'readonly', invert: true },
  writeok: { name: 'readonly', invert: true },
  smbencrypt: { name: 'serversmbencrypt' },
  printok: { name: 'printable' },
  directory: { name: 'path' },
};

export const fold = (s: string): string => s.replace(/\s+/g, '').toLowerCase();

/** What differs between the products that read this format. */
export interface SectionDialect {
  /** "Samba", "rsync": in notes. */
  readonly product: string;
  readonly synonyms: Readonly<Record<string, { name: string; invert?: true }>>;
  readonly booleans: { readonly true: ReadonlySet<string>; readonly false: ReadonlySet<string>; readonly refusal: string };
  /** rsync reads `&include` and `&merge` lines (rsyncd.conf(5), CONFIG DIRECTIVES); Samba has none. */
  readonly ampersandDirectives?: true;
}

export const SAMBA: SectionDialect = {
  product: 'Samba',
  synonyms: SYNONYMS,
  booleans: { true: new Set(['yes', 'true', 'on', '1']), false: new Set(['no', 'false', 'off', '0']), refusal: '(yes/no, true/false, on/off, 1/0): smbd refuses the file' },
};

/** rsync's loadparm.c set_boolean: yes/true/1 and no/false/0 only; anything else fails the daemon's parse. */
export const RSYNC: SectionDialect = {
  product: 'rsync',
  synonyms: {},
  booleans: { true: new Set(['yes', 'true', '1']), false: new Set(['no', 'false', '0']), refusal: '(yes/no, true/false, 1/0): rsync refuses the file' },
  ampersandDirectives: true,
};

/** The product's boolean; anything else makes it refuse the file (smbd: "Error loading services"). */
export function sectionBoolean(p: SambaParameter, dialect: SectionDialect = SAMBA): boolean {
  const v = p.value.toLowerCase();
  if (dialect.booleans.true.has(v)) return true;
  if (dialect.booleans.false.has(v)) return false;
  throw new ConfigProblem(`line ${p.line}: ${nameText(p.written)} is not a boolean ${dialect.booleans.refusal}`);
}

export const sambaBoolean = (p: SambaParameter): boolean => sectionBoolean(p, SAMBA);

/** Where a parameter is written, or, when it is not, the default that applies. */
export function parameterPlace(file: string, p: SambaParameter | undefined, setting: string, defaultValue: string): Place {
  return placeOf(file, p ? p.written : setting, p ? { line: p.line, column: p.column } : undefined, defaultValue);
}

interface LogicalLine {
  readonly text: string;
  readonly line: number;
}

/** Physical lines joined where one ends in a backslash; comments are never continued. */
function logicalLines(t: ConfigText, limits: AuditLimits): LogicalLine[] {
  const out: LogicalLine[] = [];
  let pending: LogicalLine | undefined;
  linesOf(t).forEach((raw, index) => {
    const start = pending ?? { text: '', line: index + 1 };
    const comment = pending === undefined && /^\s*[;#]/.test(raw);
    const continued = !comment && raw.endsWith('\\');
    const text = start.text + (continued ? raw.slice(0, -1) : raw);
    if (text.length > limits.maxLineChars) {
      throw new ConfigProblem(`line ${start.line}: continued past ${limits.maxLineChars} characters (a backslash ends every line)`);
    }
    pending = continued ? { text, line: start.line } : undefined;
    if (!continued) out.push({ text, line: start.line });
  });
  if (pending) out.push(pending);
  return out;
}

export function parseSmbConf(t: ConfigText, limits: AuditLimits, dialect: SectionDialect = SAMBA): SambaConfig {
  const global: SambaSection = { key: 'global', name: 'global', line: 0, parameters: new Map() };
  const sections = new Map<string, SambaSection>([['global', global]]);
  const notes: string[] = [];
  let current = global;
  let count = 0;
  for (const { text, line } of logicalLines(t, limits)) {
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith(';') || trimmed.startsWith('#')) continue;
    if ((count += 1) > limits.maxEntries) throw new ConfigProblem(`holds more than ${limits.maxEntries} sections and parameters`);
    if (trimmed.startsWith('[')) {
      const close = trimmed.indexOf(']');
      if (close < 0) throw new ConfigProblem(`line ${line}: a section name without its closing "]"`);
      const name = trimmed.slice(1, close).trim();
      const key = fold(name);
      current = sections.get(key) ?? { key, name, line, parameters: new Map() };
      sections.set(key, current);
      continue;
    }
    if (dialect.ampersandDirectives && trimmed.startsWith('&')) {
      notes.push(`line ${line}: ${nameText(trimmed.split(/\s/)[0]!)} is not followed: audit the files it names as well`);
      continue;
    }
    const eq = text.indexOf('=');
    if (eq < 0) {
      notes.push(`line ${line} is neither a section nor "name = value": ${dialect.product} ignores it`);
      continue;
    }
    const written = text.slice(0, eq).trim();
    const folded = fold(written);
    const synonym = dialect.synonyms[folded];
    let value = text.slice(eq + 1).trim();
    const column = text.length - text.trimStart().length + 1;
    if (folded === 'include' || folded === 'configfile') notes.push(`line ${line}: ${nameText(written)} is not followed: audit that file as well`);
    const parameter: SambaParameter = { name: synonym?.name ?? folded, written, value, line, column };
    if (synonym?.invert) value = sectionBoolean(parameter, dialect) ? 'no' : 'yes';
    current.parameters.set(parameter.name, { ...parameter, value });
  }
  return { global, shares: [...sections.values()].filter((s) => s !== global), notes };
}
