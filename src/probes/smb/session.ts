/**
 * NEGOTIATE and SESSION_SETUP with NTLMSSP (MS-SMB2 3.2.4.2, MS-NLMP 3.1.5):
 * a null session first, then a guest one. What the server tells before any
 * login (dialect, signing, GUID, names and OS build from the CHALLENGE's
 * target info) is recorded whatever happens next.
 */
import { decodeChallenge, encodeAuthenticate, encodeNegotiate, type Identity } from '../../protocols/smb/ntlmssp.ts';
import { Command, decodeNegotiateResponse, decodeSessionSetupResponse, dialectName, negotiateRequest, sessionSetupRequest, Status } from '../../protocols/smb/smb2.ts';
import type { SmbDetails } from '../../observation/file-share.ts';
import { IDENTIFIER_CAP, optionalIdentifier } from '../../observation/peer-text.ts';
import { SmbClient, SmbProtocolError } from './client.ts';

export async function negotiate(client: SmbClient, details: SmbDetails): Promise<void> {
  const m = await client.request(Command.NEGOTIATE, negotiateRequest());
  if (m.header.status !== Status.SUCCESS) throw new SmbProtocolError('SMB_UNEXPECTED', `NEGOTIATE failed with NTSTATUS 0x${m.header.status.toString(16)}`);
  const r = decodeNegotiateResponse(m);
  if (!r.ok) throw new SmbProtocolError('SMB_MALFORMED', `malformed NEGOTIATE response (${r.error.field})`);
  details.dialect = dialectName(r.value.dialect);
  details.signingEnabled = r.value.signingEnabled;
  details.signingRequired = r.value.signingRequired;
  details.serverGuid = r.value.serverGuid;
  client.creditCharge = r.value.dialect >= 0x0210 ? 1 : 0;
}

export type SessionOutcome = { readonly ok: true; readonly flags: number } | { readonly ok: false; readonly status?: number };

/** NTLMSSP NEGOTIATE → CHALLENGE → AUTHENTICATE, as raw NTLMSSP tokens (servers accept them without SPNEGO). */
export async function sessionSetup(client: SmbClient, identity: Identity, details: SmbDetails): Promise<SessionOutcome> {
  client.sessionId = 0n;
  const first = await client.request(Command.SESSION_SETUP, sessionSetupRequest(encodeNegotiate(identity.kind === 'anonymous')));
  if (first.header.status !== Status.MORE_PROCESSING_REQUIRED) return { ok: false, status: first.header.status };
  const r1 = decodeSessionSetupResponse(first);
  if (!r1.ok) throw new SmbProtocolError('SMB_MALFORMED', `malformed SESSION_SETUP response (${r1.error.field})`);
  const challenge = decodeChallenge(r1.value.securityBuffer);
  if (!challenge.ok) throw new SmbProtocolError('SMB_MALFORMED', `malformed NTLMSSP CHALLENGE (${challenge.error.field})`);
  // Names the server gives itself: capped printable identifiers (docs/peer-text.md).
  const ti = challenge.value.targetInfo;
  const names = {
    netbiosComputerName: optionalIdentifier(ti.netbiosComputerName, IDENTIFIER_CAP.netbiosName),
    netbiosDomainName: optionalIdentifier(ti.netbiosDomainName, IDENTIFIER_CAP.netbiosName),
    dnsComputerName: optionalIdentifier(ti.dnsComputerName, IDENTIFIER_CAP.dnsName),
  };
  for (const key of ['netbiosComputerName', 'netbiosDomainName', 'dnsComputerName'] as const) {
    const name = names[key];
    if (name) details[key] = name;
  }
  if (challenge.value.version) details.osVersion = challenge.value.version;
  client.sessionId = first.header.sessionId;
  const second = await client.request(Command.SESSION_SETUP, sessionSetupRequest(encodeAuthenticate(identity, challenge.value)));
  if (second.header.status !== Status.SUCCESS) return { ok: false, status: second.header.status };
  const r2 = decodeSessionSetupResponse(second);
  if (!r2.ok) throw new SmbProtocolError('SMB_MALFORMED', `malformed SESSION_SETUP response (${r2.error.field})`);
  return { ok: true, flags: r2.value.sessionFlags };
}
