/**
 * Fuzz targets for peer text: a QIDO-RS page in the DICOM JSON model
 * (PS3.18 F.2), FTP directory listings and FTP replies (RFC 959, 2428, 3659),
 * both what the probe parses itself and basic-ftp's parsers that it calls,
 * and the first bytes of a small text file on a share (content indicators).
 */
import { parseList } from 'basic-ftp';
import { parseControlResponse } from 'basic-ftp/dist/parseControlResponse.js';
import fc from 'fast-check';
import { MAX_JSON_DEPTH, readAeTitles, readQidoPage } from '../../../src/probes/dicomweb/qido-json.ts';
import { cleanBanner, fingerprintFtp } from '../../../src/probes/ftp/fingerprints.ts';
import { parseEpsvPort, parsePasv } from '../../../src/probes/ftp/passive.ts';
import { mlsdWritableNames, parseListLeniently } from '../../../src/probes/ftp/tree.ts';
import { CONTENT_INDICATORS, decodeText, matchContent } from '../../../src/probes/nas/content-indicators.ts';
import { cap, type FuzzTarget } from '../engine.ts';
import { tokens } from './tokens.ts';

const QIDO_TAGS = ['00100020', '00100010', '00201206', '00201208', '0020000D', '00080061', '00081115', '00080020'];
const MAX_AE_TITLES = 8;
const QIDO_REASONS = new Set(['the body is not JSON', 'the JSON is not an array of datasets', 'an array element is not a dataset object', `a value is nested deeper than ${MAX_JSON_DEPTH} levels`]);
/** Studies read from one page at most, as the probe's --max-records room would allow. */
const MAX_STUDIES = 5000;

/** Nesting a peer can send in a few tens of kilobytes: arrays in arrays, or objects in objects, in a sequence value. */
const deepPage: fc.Arbitrary<Buffer> = fc
  .tuple(fc.integer({ min: 0, max: 14 }), fc.integer({ min: -1, max: 1 }), fc.boolean())
  .map(([log2, step, arrays]) => {
    const depth = Math.max(1, 2 ** log2 + step); // around each power of two up to 16,384, where depth limits sit
    const [open, close] = arrays ? ['[', ']'] : ['{"a":', '}'];
    return Buffer.from(`[{"00081115":{"vr":"SQ","Value":[${open.repeat(depth)}"1"${close.repeat(depth)}]}}]`);
  });

const value = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.constant(null), fc.record({ Alphabetic: fc.string({ maxLength: 8 }) }, { requiredKeys: [] }));
const attribute = fc.record({ vr: fc.constantFrom('PN', 'LO', 'IS', 'SQ', 'UI', 'CS', 'OB'), Value: fc.array(value, { maxLength: 3 }) }, { requiredKeys: ['vr'] });
const qidoLike: fc.Arbitrary<Buffer> = fc
  .array(fc.dictionary(fc.constantFrom(...QIDO_TAGS), attribute, { maxKeys: 6 }), { maxLength: 4 })
  .map((page) => Buffer.from(JSON.stringify(page)));

/** readQidoPage and readAeTitles: an answer or a reason from a closed set, never a throw. */
export const qidoJson: FuzzTarget = {
  name: 'qido-json',
  covers: 'readQidoPage, readAeTitles (PS3.18 F.2 JSON model, dcm4chee-arc AE list)',
  maxInputBytes: 128 * 1024,
  dictionary: tokens(['[', ']', '{', '}', ',', ':', '"vr"', '"Value"', '"InlineBinary"', '"BulkDataURI"', '"dicomAETitle"', 'null', '1e400', '-0', '9007199254740993', '"\\u0000"', ...QIDO_TAGS.map((t) => `"${t}"`)]),
  generate: fc.oneof(deepPage, qidoLike, fc.json({ maxDepth: 4 }).map((s) => Buffer.from(s))),
  run(input) {
    let patientIds = 0;
    const page = readQidoPage(input, () => void patientIds++, MAX_STUDIES);
    const titles = readAeTitles(input, MAX_AE_TITLES);
    cap(titles.length <= MAX_AE_TITLES && titles.every((t) => /^[A-Za-z0-9_.-]{1,16}$/.test(t)), 'an AE title over the cap or outside the safe set');
    if (!page.ok) {
      cap(QIDO_REASONS.has(page.reason), 'a reason outside the closed set');
      return `err:${page.reason}`;
    }
    cap(page.studies.length <= input.length / 2 && patientIds <= page.studies.length, 'more studies than the page holds');
    for (const s of page.studies) {
      cap(s.nonEmptyTags.every((t) => /^[0-9A-F]{8}$/.test(t)), 'a tag key not of 8 upper-case hex digits');
      for (const n of [s.seriesCount, s.instanceCount]) cap(n === undefined || (Number.isInteger(n) && n >= 0), 'a count not a non-negative integer');
    }
    return `ok:${page.studies.length > 0 ? 'studies' : 'empty'}:${titles.length > 0 ? 'aets' : 'no-aets'}`;
  },
};

/** basic-ftp's only documented throw from parseList: a listing in no format it knows. */
function isUnknownFormat(e: unknown): boolean {
  return e instanceof Error && e.message.startsWith('This library only supports MLSD, Unix- or DOS-style directory listing');
}

/** A directory listing as the FTP tree reads it: basic-ftp's parseList as FtpTree calls it, and our MLSD "perm" reading beside it. */
export const ftpListing: FuzzTarget = {
  name: 'ftp-listing',
  covers: 'parseListLeniently over basic-ftp parseList (Unix, DOS, MLSD), mlsdWritableNames (RFC 3659 7.5.5)',
  maxInputBytes: 8192,
  dictionary: tokens(['\r\n', '\n', ' ', 'total 8', 'drwxrwxrwx', '-rw-r--r--', 'lrwxrwxrwx', ' -> ', ' ftp ', 'Jan 01 12:00 ', '2020 ', '<DIR>', '12:00PM', '01-01-20', 'type=dir;', 'type=file;', 'size=', 'perm=', 'modify=20200101120000;', 'unix.mode=0777;', ';', '=']),
  run(input) {
    const text = input.toString('utf8');
    const lines = text.split('\n').length;
    const writable = mlsdWritableNames(text);
    cap(writable.size <= lines, 'more writable names than lines');
    let outcome: string;
    try {
      const files = parseListLeniently(parseList, text);
      cap(files.length <= lines, 'more entries than lines');
      for (const f of files) cap(f.name.length <= text.length, 'a name longer than the listing');
      outcome = `ok:${files.length > 0 ? 'entries' : 'empty'}`;
    } catch (e) {
      if (!isUnknownFormat(e)) throw e;
      outcome = 'unknown-format';
    }
    return `${outcome}:${writable.size > 0 ? 'writable' : 'read-only'}`;
  },
};

/** The greeting and passive-mode replies: basic-ftp's reply parser, then our banner, fingerprint and PASV/EPSV readers. */
export const ftpReply: FuzzTarget = {
  name: 'ftp-reply',
  covers: 'basic-ftp parseControlResponse, cleanBanner, fingerprintFtp, parsePasv, parseEpsvPort (RFC 959 4.2, RFC 2428)',
  maxInputBytes: 4096,
  dictionary: tokens(['\r\n', '220 ', '220-', '227 ', '229 ', '530 ', '(', ')', '|||', '|', ',', '255,', '0,', 'vsFTPd ', 'ProFTPD ', ' Server', 'FileZilla Server ', 'Serv-U FTP Server v', 'Pure-FTPd', '---------']),
  run(input) {
    const text = input.toString('utf8');
    const parsed = parseControlResponse(text);
    cap(parsed.messages.length <= text.split('\n').length, 'more replies than lines');
    const greeting = parsed.messages[0] ?? text;
    const banner = cleanBanner(greeting);
    cap(banner.length <= 200 && /^[\x20-\x7e]*$/.test(banner), 'a banner over 200 characters or not printable ASCII');
    const product = fingerprintFtp(banner);
    cap(product === undefined || (product.version ?? '').length <= banner.length, 'a version longer than the banner');
    const epsv = parseEpsvPort(greeting);
    cap(epsv === undefined || (Number.isInteger(epsv) && epsv >= 1 && epsv <= 65535), 'EPSV port outside 1..65535');
    const pasv = parsePasv(greeting);
    if (pasv !== undefined) {
      cap(pasv.port >= 1 && pasv.port <= 65535, 'PASV port outside 1..65535');
      cap(pasv.host.split('.').every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255), 'PASV host not a dotted quad');
    }
    return `ok:${parsed.messages.length > 0 ? 'reply' : 'none'}:${product ? 'product' : '-'}:${epsv ? 'epsv' : '-'}:${pasv ? 'pasv' : '-'}`;
  },
};

/** Bytes of a text file the walker reads at most (limits.ts TEXT_READ.maxBytes). */
const TEXT_CAP = 4096;

/** decodeText and matchContent on a file's first bytes: entries of the table or none, none for binary, never a throw or a slow pattern. */
export const shareText: FuzzTarget = {
  name: 'share-text',
  covers: 'decodeText, matchContent (content indicators of the share walk)',
  maxInputBytes: TEXT_CAP + 64,
  dictionary: tokens([
    [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0], [0xe2, 0x80, 0x99], '\r\n', ' ', 'stratum+tcp://', 'stratum+ssl://', ':3333', '"pools":[', '"url":"', '"user":"', '"donate-level":',
    '4A', 'bc1q', 'BTC ', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'locked by DeadBolt', 'locked(crypted)', "Don't worry, you can return all your files", 'encrypted by CONTI strain', 'Ooops, your important files are encrypted',
  ]),
  run(input) {
    const text = decodeText(input);
    const hits = matchContent(input, TEXT_CAP);
    cap(hits.every((h) => CONTENT_INDICATORS.includes(h)), 'an entry not of the table');
    cap(text !== undefined || input.length > TEXT_CAP || hits.length === 0, 'a binary file matched');
    cap(text === undefined || text.length <= input.length, 'more characters than bytes');
    return text === undefined ? 'binary' : `ok:${hits.length > 0 ? 'hit' : 'none'}`;
  },
};
