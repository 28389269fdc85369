/**
 * Fuzz targets for what a user hands the scanner: ZMap and masscan result
 * files, line by line, and target specs. Their contract: a value, or a
 * TargetSpecError saying what is wrong; nothing else is thrown.
 */
import fc from 'fast-check';
import { formatIpv4, parseIpv4 } from '../../../src/scope/ipv4.ts';
import { formatIpv6, parseIpv6 } from '../../../src/scope/ipv6.ts';
import { detectFormat, parseCsvHeader, parseResultLine, RESULT_FORMATS, type CsvHeader, type FileTarget, type ResultFormat } from '../../../src/scope/result-files.ts';
import { checkEnumerable, parseAddressSpec, parseSpec, TargetSpecError, type TargetSpec } from '../../../src/scope/spec.ts';
import { cap, roundTrip, type FuzzTarget } from '../engine.ts';
import { tokens } from './tokens.ts';

/**
 * Runs `f`, turning the one error the contract allows into undefined. A result
 * file is a scan's output, not the user's words: its errors quote at most a
 * bounded piece of a line (`maxMessage`).
 */
function orSpecError<T>(f: () => T, maxMessage = Number.POSITIVE_INFINITY): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof TargetSpecError) {
      cap(e.message.length <= maxMessage, 'an error message quoting too much of the line');
      return undefined;
    }
    throw e;
  }
}

const MAX_LINE_MESSAGE = 200;

function checkTarget(t: FileTarget): void {
  cap(parseIpv4(t.ip) !== undefined || parseIpv6(t.ip) !== undefined, 'a target that is not an IP address');
  cap(t.port === undefined || (Number.isInteger(t.port) && t.port >= 1 && t.port <= 65535), 'a port outside 1..65535');
}

const FORMATS = RESULT_FORMATS.filter((f): f is ResultFormat => f !== 'auto');
const LINES_IN_EVERY_FORMAT = 3;

/** readResultFile's loop without the file: format from the first line, a CSV header, then each line; and each line in every format. */
export const resultLines: FuzzTarget = {
  name: 'result-lines',
  covers: 'detectFormat, parseCsvHeader, parseResultLine (ZMap CSV and plain, masscan -oL, -oJ, -oD)',
  maxInputBytes: 2048,
  dictionary: tokens(['\n', '\r\n', ',', 'saddr', 'sport', 'success', '#masscan', 'open tcp ', 'banner ', ' 104 ', '{"ip":"', '"ports":[{"port":', '"proto":"tcp"', '"status":"open"', '"rec_type":"status"', '"finished":1', '[', ']', '127.0.0.1', '::1', '2001:db8::', '65535', '0']),
  generate: fc
    .array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended(), fc.string({ maxLength: 20 })), { maxLength: 6 })
    .chain((ips) => fc.constantFrom(
      ips.join('\n'),
      `saddr,sport\n${ips.map((ip, i) => `${ip},${i * 1000}`).join('\n')}`,
      ips.map((ip) => `open tcp 104 ${ip} 1700000000`).join('\n'),
      `[\n${ips.map((ip) => JSON.stringify({ ip, ports: [{ port: 104, proto: 'tcp', status: 'open' }] })).join('\n,\n')}\n]`,
    ))
    .map((s) => Buffer.from(s)),
  run(input) {
    const lines = input.toString('utf8').split(/\r\n|\n|\r/);
    let format: ResultFormat | undefined;
    let header: CsvHeader | undefined;
    let targets = 0;
    let refused = false;
    for (const line of lines) {
      if (format === undefined) {
        if (line.trim() === '') continue;
        format = detectFormat(line);
      }
      if (format === 'zmap-csv' && header === undefined) {
        if (line.trim() === '') continue;
        header = orSpecError(() => parseCsvHeader(line, ''), MAX_LINE_MESSAGE);
        if (header === undefined) {
          refused = true;
          break;
        }
        continue;
      }
      const found = orSpecError(() => parseResultLine(format!, line, '', header), MAX_LINE_MESSAGE);
      if (found === undefined) {
        refused = true;
        break;
      }
      found.forEach(checkTarget);
      targets += found.length;
    }
    // The first lines read in every format too, whatever the first line said.
    for (const line of lines.slice(0, LINES_IN_EVERY_FORMAT)) for (const f of FORMATS) orSpecError(() => parseResultLine(f, line, '', header), MAX_LINE_MESSAGE)?.forEach(checkTarget);
    return `${refused ? 'refused' : 'ok'}:${format ?? 'empty'}:${targets > 0 ? 'targets' : 'none'}`;
  },
};

function checkSpec(s: TargetSpec): string {
  switch (s.kind) {
    case 'ipv4':
      cap(Number.isInteger(s.range.first) && s.range.first >= 0 && s.range.first <= s.range.last && s.range.last <= 0xffffffff, 'an IPv4 range outside 0..2^32-1 or reversed');
      roundTrip(parseIpv4(formatIpv4(s.range.first)) === s.range.first, 'an IPv4 address formatted and parsed again differs');
      return 'ok:ipv4';
    case 'ipv6':
      cap(s.range.first >= 0n && s.range.first <= s.range.last && s.range.last < 1n << 128n, 'an IPv6 range outside 0..2^128-1 or reversed');
      roundTrip(parseIpv6(formatIpv6(s.range.last)) === s.range.last, 'an IPv6 address formatted and parsed again differs');
      return 'ok:ipv6';
    case 'hostname':
      cap(s.name.length <= 254 && s.name === s.name.toLowerCase(), 'a hostname over 254 characters or not lower case');
      return 'ok:hostname';
    default: {
      const never: never = s;
      return never;
    }
  }
}

const specArb: fc.Arbitrary<Buffer> = fc
  .oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.domain(),
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([ip, p]) => `${ip}/${p}`),
    fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 140 })).map(([ip, p]) => `${ip}/${p}`),
    fc.tuple(fc.ipV4(), fc.ipV4()).map(([a, b]) => `${a}-${b}`),
    fc.tuple(fc.ipV6(), fc.ipV6()).map(([a, b]) => `${a} - ${b}`),
  )
  .map((s) => Buffer.from(s));

/** parseSpec, parseAddressSpec and checkEnumerable: ranges well-formed, addresses that format and parse back. */
export const targetSpec: FuzzTarget = {
  name: 'target-spec',
  covers: 'parseSpec, parseAddressSpec, checkEnumerable, parseIpv4, parseIpv6, formatIpv6',
  maxInputBytes: 512,
  dictionary: tokens(['.', ':', '::', '/', '-', ' ', '255', '0', 'ffff', '::ffff:', '/32', '/128', '/0', '/112', 'example.org', '-a.', '1.2.3.4']),
  generate: specArb,
  run(input) {
    const text = input.toString('utf8');
    const spec = orSpecError(() => parseSpec(text, 'line 1 of targets.txt'));
    orSpecError(() => parseAddressSpec(text));
    if (spec === undefined) return 'refused';
    orSpecError(() => checkEnumerable(spec));
    return checkSpec(spec);
  },
};
