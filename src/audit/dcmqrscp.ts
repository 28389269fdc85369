/**
 * DCMTK dcmqrscp.cfg (dcmqrdb/libsrc/dcmqrcnf.cc, DCMTK 3.6.7): `Mnemonic =
 * value` lines, `#` comments in the first column, and three tables between
 * `Name BEGIN` and `Name END`. Values are split as DCMTK splits them: on
 * whitespace, `=` and `,`, with `"…"`, `'…'` and `(…)` quoting. An AETable
 * row is `AETitle StorageArea Access Quota Peers`, Peers being ANY or names
 * from the HostTable; dcmqrscp refuses a file with an unknown mnemonic, an
 * unclosed table or an undefined peer name, and so does the audit.
 */
import { DEFAULT_AE_TITLES } from '../probes/vendor-defaults.ts';
import { ConfigProblem, placeOf, type ConfigCause } from './finding.ts';
import type { AuditLimits } from './limits.ts';
import { linesOf, nameText, type ConfigText } from './text.ts';

/** dcmqrscp reads a line into a 512-byte buffer: a longer one would be cut into two. */
const DCMQRSCP_MAX_LINE = 511;

const MNEMONICS = new Set([
  'ApplicationTitle', 'ApplicationContext', 'ImplementationClass', 'ImplementationVersion', 'NetworkType', // ignored, from older versions
  'UserName', 'GroupName', 'NetworkTCPPort', 'MaxPDUSize', 'MaxAssociations', 'SpecificCharacterSet', 'Display', 'DisplayPort',
]);
const TABLES = ['HostTable', 'VendorTable', 'AETable'] as const;
type Table = (typeof TABLES)[number];

export interface AeRow {
  readonly line: number;
  readonly title: string;
  readonly titleColumn: number;
  readonly access: string;
  /** ANY: every calling AE title from every host. */
  readonly anyPeer: boolean;
  readonly peersColumn: number;
}

export interface DcmqrscpConfig {
  readonly aeRows: readonly AeRow[];
}

interface Token {
  readonly text: string;
  readonly column: number;
}

const isGap = (c: string): boolean => /\s/.test(c) || c === '=' || c === ',';
const isQuote = (c: string): boolean => c === '"' || c === "'" || c === '(' || c === ')';

/** DCMTK's parsevalues, applied until the line ends. */
export function dcmtkTokens(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length && isGap(line[i]!)) i++;
  while (i < line.length) {
    const start = i;
    if (isQuote(line[i]!)) {
      i++;
      while (i < line.length && !isQuote(line[i]!)) i++;
      out.push({ text: line.slice(start + 1, i), column: start + 1 });
      i++;
    } else {
      while (i < line.length && !isGap(line[i]!)) i++;
      out.push({ text: line.slice(start, i), column: start + 1 });
    }
    while (i < line.length && isGap(line[i]!)) i++;
  }
  return out;
}

export function parseDcmqrscp(t: ConfigText, limits: AuditLimits): DcmqrscpConfig {
  const lines = linesOf(t);
  const hostNames = new Set<string>();
  const aeRows: AeRow[] = [];
  const pendingPeers: { name: string; line: number }[] = [];
  let table: { name: Table; line: number } | undefined;
  let rows = 0;
  lines.forEach((line, index) => {
    const n = index + 1;
    if (line.length > DCMQRSCP_MAX_LINE) throw new ConfigProblem(`line ${n} is longer than the ${DCMQRSCP_MAX_LINE} characters dcmqrscp reads in one line`);
    if (line.startsWith('#') || line.trim() === '') return;
    const words = line.trim().split(/\s+/);
    const [first = '', second = ''] = words;
    if (table) {
      if (first === table.name) {
        if (second !== 'END') throw new ConfigProblem(`line ${n}: ${table.name} status must be END inside the table opened at line ${table.line}`);
        table = undefined;
        return;
      }
      if ((rows += 1) > limits.maxEntries) throw new ConfigProblem(`holds more than ${limits.maxEntries} table rows`);
      const tokens = dcmtkTokens(line);
      if (table.name === 'HostTable') hostNames.add(tokens[0]?.text ?? '');
      if (table.name === 'AETable') aeRows.push(aeRow(tokens, n, pendingPeers));
      return;
    }
    const value = line.trim().slice(first.length).replace(/^[\s=]+/, '').split(/\s+/)[0] ?? '';
    if ((TABLES as readonly string[]).includes(first)) {
      if (value !== 'BEGIN') throw new ConfigProblem(`line ${n}: ${first} ${value === 'END' ? 'END without BEGIN' : 'status must be BEGIN'}`);
      table = { name: first as Table, line: n };
      return;
    }
    if (!MNEMONICS.has(first)) throw new ConfigProblem(`line ${n}: unknown setting "${nameText(first)}" (dcmqrscp refuses the file)`);
  });
  if (table) throw new ConfigProblem(`line ${table.line}: ${table.name} BEGIN has no ${table.name} END (dcmqrscp refuses the file)`);
  for (const p of pendingPeers) {
    if (!hostNames.has(p.name)) throw new ConfigProblem(`line ${p.line}: peer "${nameText(p.name)}" is not defined in the HostTable (dcmqrscp refuses the file)`);
  }
  return { aeRows };
}

function aeRow(tokens: readonly Token[], line: number, pendingPeers: { name: string; line: number }[]): AeRow {
  const [title, , access, , ...peers] = tokens;
  if (!title || !access || peers.length === 0) {
    throw new ConfigProblem(`line ${line}: an AETable row is "AETitle StorageArea Access (Quota) Peers"; this one has ${tokens.length} of those 5 parts`);
  }
  const anyPeer = peers[0]!.text === 'ANY';
  // "(AE, host, port)" peers are written in place; bare names refer to the HostTable.
  if (!anyPeer) for (const p of peers) if (!p.text.includes(',')) pendingPeers.push({ name: p.text, line });
  return { line, title: title.text, titleColumn: title.column, access: access.text, anyPeer, peersColumn: peers[0]!.column };
}

const GUESSABLE = new Set(DEFAULT_AE_TITLES.map((d) => d.aeTitle));

export function checkDcmqrscp(file: string, cfg: DcmqrscpConfig): ConfigCause[] {
  const causes: ConfigCause[] = [];
  for (const row of cfg.aeRows) {
    if (!row.anyPeer) continue;
    const peers = placeOf(file, 'AETable peers', { line: row.line, column: row.peersColumn }, '');
    if (row.access.includes('R')) {
      causes.push({
        ruleId: 'EXP-DICOM-001',
        place: peers,
        cause: 'Peers ANY with read access: any calling AE title from any host may query (C-FIND) and retrieve this storage area.',
        change: 'Replace ANY by the HostTable names of the peers that may query, each defined by AE title, host and port.',
        dependsOnContent: { whenEmpty: 'EXP-DICOM-005' },
      });
    }
    if (GUESSABLE.has(row.title)) {
      causes.push({
        ruleId: 'EXP-DICOM-003',
        place: placeOf(file, 'AETable AE title', { line: row.line, column: row.titleColumn }, ''),
        cause: `The AE title "${row.title}" is a product default every scanner tries, and its peers are ANY.`,
        change: 'Rename the AE title to a site-specific one and list its peers instead of ANY.',
      });
    }
  }
  if (cfg.aeRows.length > 0) {
    causes.push({
      ruleId: 'EXP-DICOM-004',
      place: placeOf(file, 'TLS', undefined, 'none: dcmqrscp speaks plain DICOM only'),
      cause: 'dcmqrscp has no TLS option, so its associations, queries and images cross the network in clear text.',
      change: 'Reach it through a TLS tunnel (stunnel or a DICOM TLS proxy) and keep the plain port on a protected network segment.',
    });
  }
  return causes;
}
