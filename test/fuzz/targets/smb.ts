/**
 * Fuzz targets for the SMB client's codecs: SMB2 responses (MS-SMB2 2.2),
 * NTLMSSP CHALLENGE (MS-NLMP 2.2.1.2) and DCE/RPC with srvsvc NetrShareEnum
 * (C706 chapter 12, MS-SRVS 3.1.4.8). Each decoder returns `Decoded<T>`:
 * nothing may escape it.
 */
import { decodeBindAck, decodeNetShareEnumAll, decodeResponse } from '../../../src/protocols/smb/dcerpc.ts';
import { decodeChallenge, decodeTargetInfo } from '../../../src/protocols/smb/ntlmssp.ts';
import * as Smb2 from '../../../src/protocols/smb/smb2.ts';
import { cap, type FuzzTarget } from '../engine.ts';
import { tokens } from './tokens.ts';

/** What `printable` leaves of peer text: no control characters, no bidirectional overrides. */
function isPrintable(s: string): boolean {
  return /^[\x20-\x7e\u00a0-\uffff]*$/.test(s) && !/[\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(s);
}

const MAX_ENTRIES = 50;

function letter(ok: boolean, l: string): string {
  return ok ? l : '-';
}

/** decodeMessage, then every response body decoder on the same message, as a confused client might. */
export const smb2: FuzzTarget = {
  name: 'smb2',
  covers: 'frameLength, decodeMessage, NEGOTIATE, SESSION_SETUP, TREE_CONNECT, CREATE (MxAc), READ, QUERY_DIRECTORY responses',
  maxInputBytes: 4096,
  dictionary: tokens([[0xfe, 0x53, 0x4d, 0x42, 0x40, 0x00], [0x41, 0x00], [0x09, 0x00], [0x10, 0x00], [0x59, 0x00], [0x11, 0x00], 'MxAc', 'NTLMSSP\0', [0x40], [0x50]]),
  run(input) {
    const framed = Smb2.frameLength(input);
    if (framed.ok) cap(framed.value === undefined || framed.value <= 0xffffff, 'frame length over 24 bits');
    const m = Smb2.decodeMessage(input);
    if (!m.ok) return `err:${m.error.code}:${m.error.field}`;
    const msg = m.value;
    const negotiate = Smb2.decodeNegotiateResponse(msg);
    if (negotiate.ok) cap(negotiate.value.securityBuffer.length <= input.length, 'NEGOTIATE security buffer');
    const session = Smb2.decodeSessionSetupResponse(msg);
    if (session.ok) cap(session.value.securityBuffer.length <= input.length, 'SESSION_SETUP security buffer');
    const tree = Smb2.decodeTreeConnectResponse(msg);
    const create = Smb2.decodeCreateResponse(msg);
    if (create.ok) cap(create.value.fileId.length === 16, 'FileId of 16 bytes');
    const read = Smb2.decodeReadResponse(msg);
    if (read.ok) cap(read.value.length <= input.length, 'READ data longer than the message');
    const dir = Smb2.decodeQueryDirectoryResponse(msg, MAX_ENTRIES);
    if (dir.ok) {
      cap(dir.value.length <= MAX_ENTRIES, 'more entries than maxEntries');
      for (const e of dir.value) {
        cap(e.name.length <= input.length / 2, 'a name longer than the message');
        cap(Number.isSafeInteger(e.size) && e.size >= 0, 'a size outside the safe integers');
      }
    }
    const bodies = [negotiate.ok, session.ok, tree.ok, create.ok, read.ok, dir.ok].map((ok, i) => letter(ok, 'nstcrd'[i]!)).join('');
    return `ok:${bodies}`;
  },
};

/** decodeChallenge and decodeTargetInfo: names printable and capped at the lengths the decoder sets. */
export const ntlmssp: FuzzTarget = {
  name: 'ntlmssp',
  covers: 'decodeChallenge, decodeTargetInfo (MS-NLMP 2.2.1.2, 2.2.2.1)',
  maxInputBytes: 2048,
  dictionary: tokens(['NTLMSSP\0', [0x02, 0x00, 0x00, 0x00], [0x01, 0x00], [0x02, 0x00], [0x03, 0x00], [0x04, 0x00], [0x00, 0x00, 0x00, 0x00], [0x05, 0x82, 0x8a, 0xe2]]),
  run(input) {
    const outcomes: string[] = [];
    const challenge = decodeChallenge(input);
    const info = decodeTargetInfo(input);
    for (const r of [challenge.ok ? { ok: true as const, value: challenge.value.targetInfo } : challenge, info]) {
      if (!r.ok) {
        outcomes.push(`err:${r.error.code}`);
        continue;
      }
      const t = r.value;
      for (const [name, max] of [[t.netbiosComputerName, 64], [t.netbiosDomainName, 64], [t.dnsComputerName, 128], [t.dnsDomainName, 128]] as const) {
        if (name !== undefined) cap(name.length <= max && isPrintable(name), 'a target name over its cap or not printable');
      }
      outcomes.push('ok');
    }
    if (challenge.ok) {
      cap(challenge.value.targetInfoBytes.length <= input.length && challenge.value.serverChallenge.length === 8, 'challenge buffers');
      cap(challenge.value.version === undefined || /^\d{1,3}\.\d{1,3}\.\d{1,5}$/.test(challenge.value.version), 'version not major.minor.build');
    }
    return outcomes.join(' ');
  },
};

const MAX_SHARES = 16;

function checkShares(shares: readonly { name: string; type: number }[]): void {
  cap(shares.length <= MAX_SHARES, 'more shares than maxShares');
  for (const s of shares) {
    cap(s.name.length <= 80 && isPrintable(s.name), 'a share name over 80 characters or not printable');
    cap(Number.isInteger(s.type) && s.type >= 0 && s.type <= 0xffffffff, 'share type outside 32 bits');
  }
}

/** bind_ack, response/fault and the NetrShareEnum stub, each decoder on every input. */
export const dcerpc: FuzzTarget = {
  name: 'dcerpc',
  covers: 'decodeBindAck, decodeResponse, decodeNetShareEnumAll (C706 12.6, MS-SRVS 3.1.4.8)',
  maxInputBytes: 4096,
  dictionary: tokens([[0x05, 0x00, 0x0c, 0x03, 0x10, 0x00, 0x00, 0x00], [0x05, 0x00, 0x02, 0x03, 0x10, 0x00, 0x00, 0x00], [0x05, 0x00, 0x03], [0x05, 0x00, 0x0d], [0x01, 0x00, 0x00, 0x00], [0x00, 0x00, 0x02, 0x00], [0xff, 0xff, 0xff, 0xff]]),
  run(input) {
    const bind = decodeBindAck(input);
    const response = decodeResponse(input);
    let stub = 'none';
    if (response.ok && response.value.kind === 'response') {
      cap(response.value.stub.length <= input.length, 'stub longer than the PDU');
      const shares = decodeNetShareEnumAll(response.value.stub, MAX_SHARES);
      if (shares.ok) checkShares(shares.value.shares);
      stub = shares.ok ? 'ok' : shares.error.code;
    }
    const direct = decodeNetShareEnumAll(input, MAX_SHARES);
    if (direct.ok) checkShares(direct.value.shares);
    const code = (r: { ok: boolean; error?: { code: string } }): string => (r.ok ? 'ok' : r.error!.code);
    return `bind=${code(bind)} response=${response.ok ? response.value.kind : response.error.code} stub=${stub} enum=${code(direct)}`;
  },
};
