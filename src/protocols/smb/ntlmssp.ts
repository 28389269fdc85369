/**
 * NTLMSSP messages (MS-NLMP 2.2.1) for anonymous and guest sessions only: no
 * password hash is ever computed (guest with "map to guest = Bad User" and
 * anonymous need none), so no MD4 (which Node 20's OpenSSL refuses) either.
 */
import { randomBytes } from 'node:crypto';
import { Cursor, decodeWith, failure, printable, type Decoded } from './cursor.ts';

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

/** MS-NLMP 2.2.2.5 NEGOTIATE flags used here. */
export const NTLM_FLAG = {
  UNICODE: 0x00000001,
  REQUEST_TARGET: 0x00000004,
  NTLM: 0x00000200,
  ANONYMOUS: 0x00000800,
  ALWAYS_SIGN: 0x00008000,
  EXTENDED_SESSIONSECURITY: 0x00080000,
  TARGET_INFO: 0x00800000,
  VERSION: 0x02000000,
  N128: 0x20000000,
  N56: 0x80000000,
} as const;

const BASE_FLAGS =
  NTLM_FLAG.UNICODE | NTLM_FLAG.REQUEST_TARGET | NTLM_FLAG.NTLM | NTLM_FLAG.ALWAYS_SIGN | NTLM_FLAG.EXTENDED_SESSIONSECURITY | NTLM_FLAG.TARGET_INFO | NTLM_FLAG.VERSION | NTLM_FLAG.N128 | NTLM_FLAG.N56;

/** MS-NLMP 2.2.2.10 VERSION: we say 6.1 build 0, NTLM revision 15. */
const OUR_VERSION = Buffer.from([6, 1, 0, 0, 0, 0, 0, 15]);

/** MS-NLMP 2.2.1.1 NEGOTIATE_MESSAGE: no domain, no workstation. */
export function encodeNegotiate(anonymous: boolean): Buffer {
  const b = Buffer.alloc(40);
  SIGNATURE.copy(b, 0);
  b.writeUInt32LE(1, 8);
  b.writeUInt32LE((BASE_FLAGS | (anonymous ? NTLM_FLAG.ANONYMOUS : 0)) >>> 0, 12);
  // DomainNameFields and WorkstationFields (12..27) empty, offsets at the payload start.
  b.writeUInt32LE(40, 20);
  b.writeUInt32LE(40, 28);
  OUR_VERSION.copy(b, 32);
  return b;
}

export interface TargetInfo {
  netbiosComputerName?: string;
  netbiosDomainName?: string;
  dnsComputerName?: string;
  dnsDomainName?: string;
}

export interface NtlmChallenge {
  readonly flags: number;
  readonly serverChallenge: Buffer;
  readonly targetInfo: TargetInfo;
  /** The raw AV_PAIR list, echoed in an NTLMv2-shaped response. */
  readonly targetInfoBytes: Buffer;
  /** MS-NLMP 2.2.2.10: "major.minor.build", when the VERSION flag is set. */
  readonly version?: string;
}

/** MS-NLMP 2.2.2.1 AV_PAIR ids. */
const AV = { EOL: 0, NB_COMPUTER: 1, NB_DOMAIN: 2, DNS_COMPUTER: 3, DNS_DOMAIN: 4 } as const;

/**
 * AV_PAIRs read before the list is taken as ended: MS-NLMP 2.2.2.1 defines 11
 * ids (0 to 10) and a server sends each once, so 64 leaves room for ids yet to
 * come while a list of thousands of 4-byte pairs is not walked.
 */
const MAX_AV_PAIRS = 64;

function readFields(c: Cursor, field: string): { length: number; offset: number } {
  const length = c.u16(`${field} length`);
  c.u16(`${field} max length`);
  const offset = c.u32(`${field} offset`);
  return { length, offset };
}

export function decodeTargetInfo(buf: Buffer): Decoded<TargetInfo> {
  return decodeWith(() => {
    const c = new Cursor(buf);
    const info: TargetInfo = {};
    for (let i = 0; i < MAX_AV_PAIRS && c.offset < buf.length; i++) {
      const id = c.u16('AvId');
      const len = c.u16('AvLen');
      const value = c.bytes(len, 'AV_PAIR value');
      if (id === AV.EOL) break;
      if (id === AV.NB_COMPUTER) info.netbiosComputerName = printable(value, 64);
      else if (id === AV.NB_DOMAIN) info.netbiosDomainName = printable(value, 64);
      else if (id === AV.DNS_COMPUTER) info.dnsComputerName = printable(value, 128);
      else if (id === AV.DNS_DOMAIN) info.dnsDomainName = printable(value, 128);
    }
    return info;
  });
}

/** MS-NLMP 2.2.1.2 CHALLENGE_MESSAGE. */
export function decodeChallenge(buf: Buffer): Decoded<NtlmChallenge> {
  return decodeWith(() => {
    const c = new Cursor(buf);
    if (!c.bytes(8, 'Signature').equals(SIGNATURE)) throw failure('bad-signature', 'Signature', 0, 'not "NTLMSSP\\0"');
    const type = c.u32('MessageType');
    if (type !== 2) throw failure('unexpected-type', 'MessageType', 8, `${type} where CHALLENGE (2) belongs`);
    readFields(c, 'TargetNameFields');
    const flags = c.u32('NegotiateFlags');
    const serverChallenge = c.bytes(8, 'ServerChallenge');
    c.skip(8, 'Reserved');
    const ti = readFields(c, 'TargetInfoFields');
    let version: string | undefined;
    if ((flags & NTLM_FLAG.VERSION) !== 0 && buf.length >= 56) {
      const v = c.bytes(8, 'Version');
      version = `${v[0]}.${v[1]}.${v.readUInt16LE(2)}`;
    }
    const targetInfoBytes = ti.length > 0 ? c.at(ti.offset, ti.length, 'TargetInfo') : Buffer.alloc(0);
    const parsed = decodeTargetInfo(targetInfoBytes);
    if (!parsed.ok) throw failure(parsed.error.code, `TargetInfo ${parsed.error.field}`, ti.offset + parsed.error.offset, parsed.error.message);
    return { flags, serverChallenge: Buffer.from(serverChallenge), targetInfo: parsed.value, targetInfoBytes: Buffer.from(targetInfoBytes), ...(version ? { version } : {}) };
  });
}

export type Identity = { readonly kind: 'anonymous' } | { readonly kind: 'guest'; readonly user: string };

/**
 * An NTLMv2-shaped NtChallengeResponse (MS-NLMP 2.2.2.8) with a random proof:
 * a guest logon names a user the server does not know, which "map to guest"
 * servers turn into the guest account whatever the proof says.
 */
function guestResponse(targetInfo: Buffer): Buffer {
  const blob = Buffer.alloc(28 + targetInfo.length + 4);
  blob[0] = 1; // RespType
  blob[1] = 1; // HiRespType
  blob.writeBigUInt64LE(BigInt(Date.now()) * 10000n + 116444736000000000n, 8); // FILETIME
  randomBytes(8).copy(blob, 16); // ChallengeFromClient
  targetInfo.copy(blob, 28);
  return Buffer.concat([randomBytes(16), blob]);
}

/** MS-NLMP 2.2.1.3 AUTHENTICATE_MESSAGE, with VERSION and a zero MIC (payload at 88). */
export function encodeAuthenticate(identity: Identity, challenge: NtlmChallenge): Buffer {
  const anonymous = identity.kind === 'anonymous';
  // MS-NLMP 3.1.5.1.2: anonymous sends an empty NT response and LM response Z(1).
  const lm = anonymous ? Buffer.alloc(1) : Buffer.alloc(24);
  const nt = anonymous ? Buffer.alloc(0) : guestResponse(challenge.targetInfoBytes);
  const domain = Buffer.alloc(0);
  const user = anonymous ? Buffer.alloc(0) : Buffer.from(identity.user, 'utf16le');
  const workstation = Buffer.from('EXPOSURE', 'utf16le');
  const sessionKey = Buffer.alloc(0);
  const payloads = [lm, nt, domain, user, workstation, sessionKey];
  const head = Buffer.alloc(88);
  SIGNATURE.copy(head, 0);
  head.writeUInt32LE(3, 8);
  let offset = 88;
  payloads.forEach((p, i) => {
    head.writeUInt16LE(p.length, 12 + i * 8);
    head.writeUInt16LE(p.length, 14 + i * 8);
    head.writeUInt32LE(offset, 16 + i * 8);
    offset += p.length;
  });
  const flags = (BASE_FLAGS | (anonymous ? NTLM_FLAG.ANONYMOUS : 0)) & challenge.flags;
  head.writeUInt32LE((flags | NTLM_FLAG.UNICODE | (anonymous ? NTLM_FLAG.ANONYMOUS : 0)) >>> 0, 60);
  OUR_VERSION.copy(head, 64);
  return Buffer.concat([head, ...payloads]);
}
