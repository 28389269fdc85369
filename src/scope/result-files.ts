/**
 * Open-port outputs of ZMap and masscan, read line by line (never loaded
 * whole, never permuted in memory: they are probed in file order), so an
 * internet-wide L4 sweep feeds straight into probing.
 *
 * - ZMap CSV (`-O csv`, `-f saddr,sport,…`): a header line naming the fields;
 *   `saddr` is required, `sport` (the port that answered) optional, a
 *   `success` column of 0 drops the line.
 * - ZMap plain (default output): one address a line.
 * - masscan `-oL`: `open tcp PORT IP TIMESTAMP`, `#` comments.
 * - masscan `-oJ` (a JSON array, one record a line) and `-oD` (ndjson).
 *
 * An address with a port skips TCP discovery; an address alone is checked on --ports.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseIpv4 } from './ipv4.ts';
import { formatIpv6, parseIpv6 } from './ipv6.ts';
import { TargetSpecError } from './spec.ts';

export const RESULT_FORMATS = ['auto', 'zmap-csv', 'zmap-plain', 'masscan-list', 'masscan-json'] as const;
export type ResultFormat = Exclude<(typeof RESULT_FORMATS)[number], 'auto'>;

export interface FileTarget {
  readonly ip: string;
  readonly port?: number;
}

export interface ResultLine {
  readonly targets: readonly FileTarget[];
}

/** Guesses the format from the first meaningful line. */
export function detectFormat(line: string): ResultFormat {
  const t = line.trim();
  if (t.startsWith('[') || t.startsWith('{')) return 'masscan-json';
  if (t.startsWith('#masscan') || /^(open|closed|banner)\s/.test(t)) return 'masscan-list';
  // A CSV header names fields; a plain file holds one address a line (no commas).
  if (t.includes(',') || t === 'saddr') return 'zmap-csv';
  return 'zmap-plain';
}

function address(text: string, at: string): string {
  const t = text.trim();
  if (parseIpv4(t) !== undefined) return t;
  const v6 = parseIpv6(t);
  if (v6 !== undefined) return formatIpv6(v6);
  throw new TargetSpecError(`"${t.slice(0, 60)}" is not an IP address${at}`);
}

function port(text: string | number, at: string): number {
  const n = typeof text === 'number' ? text : /^\d{1,5}$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new TargetSpecError(`"${String(text).slice(0, 20)}" is not a port (1-65535)${at}`);
  return n;
}

export interface CsvHeader {
  readonly saddr: number;
  readonly sport: number | undefined;
  readonly success: number | undefined;
  readonly columns: number;
}

export function parseCsvHeader(line: string, at: string): CsvHeader {
  const cols = line.split(',').map((c) => c.trim());
  const saddr = cols.indexOf('saddr');
  if (saddr < 0) throw new TargetSpecError(`the ZMap CSV header names no "saddr" field${at}`);
  const idx = (name: string): number | undefined => (cols.includes(name) ? cols.indexOf(name) : undefined);
  return { saddr, sport: idx('sport'), success: idx('success'), columns: cols.length };
}

/** One line of a result file → its targets (none for comments, closed ports, non-TCP). */
export function parseResultLine(format: ResultFormat, line: string, at: string, header?: CsvHeader): FileTarget[] {
  const t = line.trim();
  switch (format) {
    case 'zmap-plain':
      if (t === '' || t.startsWith('#')) return [];
      return [{ ip: address(t, at) }];
    case 'zmap-csv': {
      if (t === '' || !header) return [];
      const cols = t.split(',');
      if (cols.length !== header.columns) throw new TargetSpecError(`expected ${header.columns} comma-separated fields, found ${cols.length}${at}`);
      if (header.success !== undefined && cols[header.success]!.trim() === '0') return [];
      const ip = address(cols[header.saddr]!, at);
      return [header.sport === undefined ? { ip } : { ip, port: port(cols[header.sport]!, at) }];
    }
    case 'masscan-list': {
      if (t === '' || t.startsWith('#')) return [];
      const f = t.split(/\s+/);
      if (f[0] === 'banner' || f[0] === 'closed') return [];
      if (f[0] !== 'open' || f.length < 4) throw new TargetSpecError(`expected "open tcp PORT IP TIMESTAMP"${at}`);
      if (f[1] !== 'tcp') return [];
      return [{ ip: address(f[3]!, at), port: port(f[2]!, at) }];
    }
    case 'masscan-json':
      return parseJsonRecord(t, at);
    default: {
      const never: never = format;
      return never;
    }
  }
}

function parseJsonRecord(line: string, at: string): FileTarget[] {
  const t = line.replace(/^\[/, '').replace(/\]$/, '').replace(/^,/, '').replace(/,$/, '').trim();
  if (t === '') return [];
  let rec: unknown;
  try {
    rec = JSON.parse(t);
  } catch {
    throw new TargetSpecError(`not a masscan JSON record${at}`);
  }
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) throw new TargetSpecError(`not a masscan JSON record${at}`);
  const r = rec as Record<string, unknown>;
  if ('finished' in r) return [];
  if (typeof r.ip !== 'string') throw new TargetSpecError(`a masscan JSON record without "ip"${at}`);
  const ip = address(r.ip, at);
  const ports: unknown[] = Array.isArray(r.ports) ? r.ports : [r];
  const out: FileTarget[] = [];
  for (const p of ports) {
    if (typeof p !== 'object' || p === null) throw new TargetSpecError(`a masscan port entry is not an object${at}`);
    const e = p as Record<string, unknown>;
    if (e.rec_type !== undefined && e.rec_type !== 'status') continue;
    const status = e.status ?? (typeof e.data === 'object' && e.data !== null ? (e.data as Record<string, unknown>).status : undefined);
    if ((e.proto !== undefined && e.proto !== 'tcp') || (status !== undefined && status !== 'open')) continue;
    if (typeof e.port !== 'number' && typeof e.port !== 'string') throw new TargetSpecError(`a masscan record without "port"${at}`);
    out.push({ ip, port: port(e.port, at) });
  }
  return out;
}

export interface ResultEntry extends FileTarget {
  /** Position in the file's stream of targets (0-based): the resume checkpoint's unit. */
  readonly index: number;
}

/** Streams the targets of a result file in file order. Errors name the line and the file. */
export async function* readResultFile(path: string, format: ResultFormat | 'auto' = 'auto'): AsyncGenerator<ResultEntry> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let fmt: ResultFormat | undefined = format === 'auto' ? undefined : format;
  let header: CsvHeader | undefined;
  let lineNo = 0;
  let index = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      const at = ` (line ${lineNo} of ${path})`;
      if (fmt === undefined) {
        if (line.trim() === '') continue;
        fmt = detectFormat(line);
      }
      if (fmt === 'zmap-csv' && header === undefined) {
        if (line.trim() === '') continue;
        header = parseCsvHeader(line, at);
        continue;
      }
      for (const target of parseResultLine(fmt, line, at, header)) yield { ...target, index: index++ };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) throw new TargetSpecError(`cannot read ${path} (${(err as NodeJS.ErrnoException).code})`);
    throw err;
  } finally {
    lines.close();
    stream.destroy();
  }
}
