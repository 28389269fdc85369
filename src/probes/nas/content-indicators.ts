/**
 * What the first bytes of a small text file say about a compromised share:
 * mining-pool URLs, a miner's pool configuration, wallet addresses, and the
 * phrases of known ransom-note families. A data table; every entry says
 * where the pattern comes from. Patterns are anchored on structure (a URL
 * scheme, an address format, a family's own sentence), never a bare word.
 *
 * The matcher is pure and sees the bytes once: it decodes them, tests the
 * table, and returns the entries that matched. The text goes nowhere else —
 * no matched substring, address or pool host leaves this file; files on an
 * imaging share may hold reports or worklists with patients' names in them.
 */
import type { IndicatorKind } from '../../observation/file-share.ts';

export interface ContentIndicator {
  readonly id: string;
  readonly kind: IndicatorKind;
  /** Each must match the decoded text (whitespace runs read as one space, typographic apostrophes as '). No g or y flag: they keep state. */
  readonly all: readonly RegExp[];
  readonly source: string;
}

/** Base58 as Bitcoin and Monero write it (no 0, O, I, l). */
const B58 = '1-9A-HJ-NP-Za-km-z';

export const CONTENT_INDICATORS: readonly ContentIndicator[] = [
  {
    id: 'stratum-pool-url',
    kind: 'miner-config',
    all: [/\bstratum[12]?\+(tcp|ssl|tls):\/\/[a-z0-9.-]+\.[a-z0-9-]+:\d{2,5}\b/i],
    source: 'Stratum mining-pool URLs as miners take them (XMRig "url" with stratum+tcp:// or stratum+ssl://, xmrig.com/docs/miner/config/pool; cpuminer -o stratum+tcp://host:port)',
  },
  {
    id: 'xmrig-pool-config',
    kind: 'miner-config',
    all: [/"pools"\s*:\s*\[/, /"(url|user)"\s*:\s*"/, /"(algo|coin|donate-level|randomx|nicehash|keepalive)"\s*:/],
    source: 'XMRig config.json: a "pools" array of objects with "url"/"user", beside "donate-level", "randomx" or per-pool "algo"/"coin"/"nicehash"/"keepalive" (xmrig.com/docs/miner/config)',
  },
  {
    id: 'monero-address',
    kind: 'wallet-address',
    all: [new RegExp(`(?<![${B58}])[48][1-9AB](?:[${B58}]{93}|[${B58}]{104})(?![${B58}])`)],
    source: 'Monero addresses: base58, 95 characters (standard, prefix 4; subaddress, prefix 8) or 106 (integrated) (Monero docs, "Addresses"; the user field of XMRig pool configs)',
  },
  {
    id: 'bitcoin-bech32-address',
    kind: 'wallet-address',
    all: [/(?<![a-z0-9])bc1[qp][02-9ac-hj-np-z]{38,58}(?![a-z0-9])/i],
    source: 'Bitcoin segwit addresses: bech32 (BIP 173) and bech32m (BIP 350), human-readable part "bc", as ransom notes give them for payment',
  },
  {
    id: 'bitcoin-address-named',
    kind: 'wallet-address',
    all: [/\b(bitcoins?|btc)\b/i, new RegExp(`(?<![${B58}])[13](?=[1-9]*[A-HJ-NP-Za-km-z])[${B58}]{25,34}(?![${B58}])`)],
    source: 'Bitcoin legacy addresses (base58check, prefix 1 or 3, 26-35 characters; Bitcoin wiki "Invoice address") next to the word Bitcoin or BTC, as ransom notes (eCh0raix, DeadBolt, Dharma) ask for payment',
  },
  {
    id: 'deadbolt-note-text',
    kind: 'ransom-note',
    all: [/files have been locked by deadbolt/i],
    source: 'DeadBolt ransom page on QNAP and ASUSTOR NAS: "WARNING: Your files have been locked by DeadBolt" (QNAP advisory, January 2022; BleepingComputer, 2022-01-25; internet-wide scan reports quote the page title "ALL YOUR FILES HAVE BEEN LOCKED BY DEADBOLT")',
  },
  {
    id: 'ech0raix-note-text',
    kind: 'ransom-note',
    all: [/all your data has been locked ?\(crypted\)|how to unclock ?\(decrypt\)/i],
    source: 'eCh0raix/QNAPCrypt README_FOR_DECRYPT.txt: "All your data has been locked(crypted)", "How to unclock(decrypt) instruction" (Anomali Threat Research, "The Ech0raix Ransomware", July 2019)',
  },
  {
    id: 'qlocker-note-text',
    kind: 'ransom-note',
    all: [/encrypted using a private and unique key generated for the computer/i],
    source: 'Qlocker !!!READ_ME.txt on QNAP NAS: "All your files were encrypted using a private and unique key generated for the computer" (BleepingComputer, "Massive Qlocker ransomware attack uses 7zip to encrypt QNAP devices", April 2021)',
  },
  {
    id: 'djvu-note-text',
    kind: 'ransom-note',
    all: [/don'?t worry,? (my friend,? )?you can return all your files/i],
    source: 'STOP/Djvu _readme.txt: "ATTENTION! Don\'t worry, you can return all your files!" (BleepingComputer STOP Djvu support topic; ThreatLabz ransomware_notes, github.com/ThreatLabz/ransomware_notes); copied by many clones, each a ransom note all the same',
  },
  {
    id: 'lockbit-note-text',
    kind: 'ransom-note',
    all: [/lockbit [23]\.0 (the world's fastest|ransomware)|your data are stolen and encrypted/i],
    source: 'LockBit 2.0/3.0 Restore-My-Files.txt and README: "LockBit 2.0 Ransomware", "LockBit 3.0 the world\'s fastest ransomware since 2019", "Your data are stolen and encrypted" (FBI Flash "Indicators of Compromise Associated with LockBit 2.0 Ransomware", 2022-02-04; CISA AA23-075A)',
  },
  {
    id: 'conti-note-text',
    kind: 'ransom-note',
    all: [/encrypted by conti strain/i],
    source: 'Conti readme.txt: "All of your files are currently encrypted by CONTI strain" (CISA AA21-265A; ThreatLabz ransomware_notes conti/)',
  },
  {
    id: 'wannacry-note-text',
    kind: 'ransom-note',
    all: [/ooops,? your important files are encrypted/i],
    source: 'WannaCry @Please_Read_Me@.txt and the NotPetya screen: "Ooops, your important files are encrypted." (US-CERT TA17-132A; Florian Roth, signature-base, 2017)',
  },
  {
    id: 'dharma-note-text',
    kind: 'ransom-note',
    all: [/files have been encrypted due to a security problem with your pc/i],
    source: 'Dharma/CrySiS and Phobos Info.hta and FILES ENCRYPTED.txt: "All your files have been encrypted due to a security problem with your PC" (ThreatLabz ransomware_notes dharma/; Microsoft Defender Ransom:Win32/Dharma signatures)',
  },
];

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);
const UTF16BE_BOM = Buffer.from([0xfe, 0xff]);

function startsWith(bytes: Buffer, bom: Buffer): boolean {
  return bytes.length >= bom.length && bytes.subarray(0, bom.length).equals(bom);
}

/** UTF-8 when it is (a character cut by the byte cap at the end is dropped, not an error), else latin1 (Windows-1252 notes). */
function utf8OrLatin1(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return bytes.toString('latin1');
  }
}

/** An odd byte left by the cap is dropped. */
function utf16(bytes: Buffer, bigEndian: boolean): string {
  const even = Buffer.from(bytes.subarray(0, bytes.length & ~1));
  return (bigEndian ? even.swap16() : even).toString('utf16le');
}

/**
 * The text of a file's first bytes: UTF-16 or UTF-8 by their byte-order mark,
 * else UTF-8 or latin1. Undefined for a binary file: without a BOM, a NUL byte
 * says so (UTF-16 without a BOM is read as binary and skipped).
 */
export function decodeText(head: Buffer): string | undefined {
  if (startsWith(head, UTF8_BOM)) return utf8OrLatin1(head.subarray(UTF8_BOM.length));
  if (startsWith(head, UTF16LE_BOM)) return utf16(head.subarray(2), false);
  if (startsWith(head, UTF16BE_BOM)) return utf16(head.subarray(2), true);
  if (head.includes(0)) return undefined;
  return utf8OrLatin1(head);
}

/** Whitespace runs (a note's line breaks) as one space, typographic apostrophes as '. */
function folded(text: string): string {
  return text.replace(/[\u2018\u2019\u02bc]/g, "'").replace(/\s+/g, ' ');
}

/**
 * The table's entries that the first `maxBytes` of a file match; none for a
 * binary file. Only the entries come back: the text is dropped here.
 */
export function matchContent(head: Buffer, maxBytes: number): readonly ContentIndicator[] {
  const text = decodeText(head.subarray(0, maxBytes));
  if (text === undefined) return [];
  const t = folded(text);
  return CONTENT_INDICATORS.filter((i) => i.all.every((p) => p.test(t)));
}
