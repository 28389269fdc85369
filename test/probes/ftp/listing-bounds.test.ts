/**
 * FTP listings a server could make as long as its byte cap allows: lines past
 * any path length, and more lines than the walk will ever count. basic-ftp
 * parses them (one FileInfo a line); what reaches its parser is cut first.
 * No network: the client is basic-ftp's parser behind a stand-in session.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseList, type Client, type FileInfo } from 'basic-ftp';
import { boundListing, FtpTree, MAX_LISTING_LINE_CHARS } from '../../../src/probes/ftp/tree.ts';
import { walkTree } from '../../../src/probes/nas/tree-walk.ts';
import { DEFAULT_FILE_WALK } from '../../../src/probes/nas/limits.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';
import { Deadline } from '../../../src/net/deadline.ts';

/** A Unix LIST line (the format vsftpd and ProFTPD send) for a file named `name`. */
const unixLine = (name: string): string => `-rw-r--r--    1 ftp      ftp          1024 Jan 01  2020 ${name}`;

/** A stand-in session whose LIST answers `raw` through basic-ftp's own parser, counting the lines it was handed. */
function session(raw: string, parsedLines: number[]): Client {
  const fake = {
    closed: false,
    parseList: (text: string): FileInfo[] => parseList(text),
    async list(): Promise<FileInfo[]> {
      return this.parseList(raw);
    },
    close(): void {
      fake.closed = true;
    },
  };
  const parse = fake.parseList;
  fake.parseList = (text: string) => {
    parsedLines.push(text === '' ? 0 : text.split('\n').length);
    return parse(text);
  };
  return fake as unknown as Client;
}

describe('FTP listing bounds', () => {
  it('keeps at most the lines asked for, drops blank lines and lines past PATH_MAX, keeps CRLF lines whole', () => {
    const raw = ['a', '', 'x'.repeat(MAX_LISTING_LINE_CHARS + 1), 'b\r', '   ', 'c', 'd'].join('\n');
    assert.equal(boundListing(raw, 3), 'a\nb\r\nc');
    assert.equal(boundListing(raw, 100), 'a\nb\r\nc\nd');
    assert.equal(boundListing('', 10), '');
  });

  it('a listing of 200,000 lines reaches the parser cut at the entry cap, and the walk stops there', async () => {
    const maxEntries = 1000;
    const raw = Array.from({ length: 200_000 }, (_, i) => unixLine(`f${i}.txt`)).join('\r\n');
    const parsed: number[] = [];
    const tree = new FtpTree(async () => session(raw, parsed), 1, maxEntries);
    const limits = { ...DEFAULT_FILE_WALK, maxEntries, maxHeaderSamples: 0 };
    const probe = new Deadline(20_000, undefined, 'the probe');
    const outcome = await walkTree(tree, limits, createPseudonyms().counter(), probe).finally(() => probe.end());
    assert.deepEqual(outcome.walk.stoppedBy, ['entries']);
    assert.equal(outcome.walk.files, maxEntries);
    assert.deepEqual(parsed, [maxEntries + 4], 'the parser saw the cap and a few lines of slack, not 200,000 lines');
  });

  it('a line longer than any path is not parsed, the lines around it are', async () => {
    const raw = [unixLine('a.dcm'), unixLine(`${'x'.repeat(MAX_LISTING_LINE_CHARS)}.dcm`), unixLine('b.dcm')].join('\r\n');
    const tree = new FtpTree(async () => session(raw, []), 1, 100);
    const entries = await tree.list([], new AbortController().signal);
    assert.deepEqual(entries?.map((e) => e.name), ['a.dcm', 'b.dcm']);
  });
});
