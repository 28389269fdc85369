import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CONTENT_INDICATORS, decodeText, matchContent } from '../../../src/probes/nas/content-indicators.ts';
import { NAME_INDICATORS } from '../../../src/probes/nas/indicators.ts';

/** CPU time of this thread, in ms. */
const threadCpuMs = (): number => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};

const CAP = 4096;
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** `n` base58 characters, deterministic. */
const base58 = (n: number, from = 7): string => Array.from({ length: n }, (_, i) => B58[(i * from + 3) % B58.length]).join('');
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const bech32 = (n: number): string => Array.from({ length: n }, (_, i) => BECH32[(i * 5 + 1) % BECH32.length]).join('');

/** For each table entry: text of our own that must fire it, and near-misses that must not. */
const FIXTURES: Record<string, { fires: string; quiet: string[] }> = {
  'stratum-pool-url': {
    fires: '{ "url": "stratum+tcp://pool.example.org:3333", "user": "lab" }',
    quiet: ['see https://pool.example.org:3333 for the stratum docs', 'stratum+tcp:// is the scheme', 'stratum+tcp://localhost'],
  },
  'xmrig-pool-config': {
    fires: '{"autosave":true,"donate-level":1,"pools":[{"url":"pool.example.org:443","user":"lab","keepalive":true}]}',
    quiet: ['{"pools":[{"name":"hydrotherapy","lanes":6}]}', '{"url":"https://pacs.example.org","user":"viewer","algo":"lossless"}'],
  },
  'monero-address': {
    fires: `wallet 4A${base58(93)} end`,
    quiet: [`wallet 4A${base58(92)} end`, `wallet 4A${base58(94)} end`, `wallet 4A${base58(40)}0${base58(52)} end`],
  },
  'bitcoin-bech32-address': {
    fires: `pay to bc1q${bech32(38)}.`,
    quiet: [`pay to bc1q${bech32(20)}.`, `pay to bc1b${bech32(38)}.`],
  },
  'bitcoin-address-named': {
    fires: 'Send 0.03 BTC to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa today.',
    quiet: ['Order 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa shipped.', 'BTC account 1234567891234567891234567891', 'Bitcoin is discussed in 1 talk.'],
  },
  'deadbolt-note-text': { fires: '<title>WARNING: Your files have been locked by DeadBolt</title>', quiet: ['the deadbolt on the archive room door was locked'] },
  'ech0raix-note-text': { fires: 'All your data has been locked(crypted).', quiet: ['All your data has been locked for maintenance tonight.'] },
  'qlocker-note-text': {
    fires: 'All your files were encrypted using a private and unique key generated for the computer.',
    quiet: ['A unique key is generated for each workstation.'],
  },
  'djvu-note-text': { fires: 'ATTENTION!\r\n\r\nDon\u2019t worry,\r\nyou can return all your files!', quiet: ["Don't worry, you can return the consent forms tomorrow."] },
  'lockbit-note-text': { fires: "~~~ LockBit 3.0 the world's fastest ransomware since 2019~~~", quiet: ['LockBit was covered in the security training.'] },
  'conti-note-text': { fires: 'All of your files are currently encrypted by CONTI strain.', quiet: ['The samples were encrypted by content-aware strain gauges.'] },
  'wannacry-note-text': { fires: 'Ooops, your important files are encrypted.', quiet: ['Your important files are backed up nightly.'] },
  'dharma-note-text': {
    fires: 'All your files have been encrypted due to a security problem with your PC.',
    quiet: ['A security problem with your PC was fixed by the update.'],
  },
};

const ids = (head: Buffer): string[] => matchContent(head, CAP).map((i) => i.id);

describe('content indicators: the table', () => {
  it('every entry has a source, a kind, patterns without state, and an id of its own across both tables', () => {
    const all = [...CONTENT_INDICATORS.map((i) => i.id), ...NAME_INDICATORS.map((i) => i.id)];
    assert.equal(new Set(all).size, all.length);
    for (const i of CONTENT_INDICATORS) {
      assert.match(i.id, /^[a-z0-9-]+$/);
      assert.ok(i.source.length > 20, `${i.id} names its source`);
      assert.ok(i.all.length > 0);
      for (const p of i.all) assert.doesNotMatch(p.flags, /[gy]/, `${i.id}: a g or y flag keeps lastIndex between files`);
    }
  });

  it('every entry has fixtures, and no fixture is left without its entry', () => {
    assert.deepEqual(Object.keys(FIXTURES).sort(), CONTENT_INDICATORS.map((i) => i.id).sort());
  });

  for (const entry of CONTENT_INDICATORS) {
    it(`${entry.id}: fires on its text, not on near-misses`, () => {
      const f = FIXTURES[entry.id]!;
      assert.ok(ids(Buffer.from(f.fires)).includes(entry.id), `${entry.id} did not fire`);
      for (const q of f.quiet) assert.ok(!ids(Buffer.from(q)).includes(entry.id), `${entry.id} fired on "${q}"`);
    });
  }

  it('plain radiology text fires nothing', () => {
    const report = 'CT THORAX 2023-04-01\nFindings: no focal consolidation. Impression: normal study.\nAccession 2023-0042, MRN 100234567891234567891.\n';
    assert.deepEqual(ids(Buffer.from(report)), []);
  });
});

describe('content indicators: decoding', () => {
  const phrase = 'Ooops, your important files are encrypted.';

  it('reads UTF-16 by its BOM, little and big endian', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(phrase, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(phrase, 'utf16le').swap16()]);
    assert.deepEqual(ids(le), ['wannacry-note-text']);
    assert.deepEqual(ids(be), ['wannacry-note-text']);
  });

  it('reads UTF-8 with and without a BOM, and latin1 when the bytes are no UTF-8', () => {
    assert.deepEqual(ids(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(phrase)])), ['wannacry-note-text']);
    const latin1 = Buffer.from(`R\xe9sum\xe9 \xe0 lire: ${phrase}`, 'latin1');
    assert.equal(decodeText(latin1), `R\xe9sum\xe9 \xe0 lire: ${phrase}`);
    assert.deepEqual(ids(latin1), ['wannacry-note-text']);
  });

  it('skips a binary file: NUL bytes without a BOM', () => {
    const binary = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]), Buffer.from(phrase)]);
    assert.equal(decodeText(binary), undefined);
    assert.deepEqual(ids(binary), []);
  });

  it('a UTF-8 character cut by the cap is dropped, the rest still read as UTF-8', () => {
    const text = Buffer.from(`${phrase} caf\u00e9`);
    assert.equal(decodeText(text.subarray(0, text.length - 1)), `${phrase} caf`);
  });

  it('matches only the first maxBytes: a phrase past the cap, or cut by it, is not seen', () => {
    const filler = 'x'.repeat(CAP - 10);
    assert.deepEqual(ids(Buffer.from(`${phrase}${filler}`)), ['wannacry-note-text']);
    assert.deepEqual(ids(Buffer.from(`${filler}${phrase}`)), [], 'the phrase straddles the cap');
    assert.deepEqual(ids(Buffer.from(`${filler}${'y'.repeat(100)}${phrase}`)), [], 'the phrase lies past the cap');
  });

  it('returns table entries only: nothing of the text it read', () => {
    const secret = 'Canary Patient^Text 1957-03-02';
    const hits = matchContent(Buffer.from(`${secret}\n${FIXTURES['stratum-pool-url']!.fires}`), CAP);
    assert.deepEqual(
      hits.map((h) => h.id),
      ['stratum-pool-url'],
    );
    for (const h of hits) assert.equal(Object.getPrototypeOf(h), Object.prototype);
    assert.ok(hits.every((h) => CONTENT_INDICATORS.includes(h)), 'the entries of the table, not copies carrying what matched');
  });

  it('never throws on arbitrary bytes, and stays fast on adversarial text at the cap', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => void matchContent(Buffer.from(b), CAP)), { numRuns: 300 });
    for (const piece of ['4A', 'bc1q', 'btc 1', 'stratum+tcp://a', '"pools":[', ' ']) {
      const text = Buffer.from(piece.repeat(Math.ceil(CAP / piece.length)).slice(0, CAP));
      // This thread's CPU time, which other work on the machine does not stretch: a pattern that
      // backtracks badly on 4 KiB takes seconds, a linear one well under a millisecond.
      const t0 = threadCpuMs();
      matchContent(text, CAP);
      const ms = threadCpuMs() - t0;
      assert.ok(ms < 200, `"${piece}" repeated took ${ms.toFixed(0)} ms of CPU`);
    }
  });
});
