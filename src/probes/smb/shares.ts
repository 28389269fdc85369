/**
 * Which shares a server has: srvsvc NetrShareEnum over the IPC$ pipe
 * (MS-SRVS 3.1.4.8 through DCE/RPC), and when that is refused, a list of
 * share names NAS products create by default.
 */
import { decodeBindAck, decodeNetShareEnumAll, decodeResponse, encodeBind, encodeNetShareEnumAll, encodeRequest, type ShareInfo1 } from '../../protocols/smb/dcerpc.ts';
import type { Decoded } from '../../protocols/smb/cursor.ts';
import type { SmbShare } from '../../observation/file-share.ts';
import { SmbProtocolError, type SmbClient } from './client.ts';
import { close, open, read, treeConnect, write } from './share-ops.ts';

const OPNUM_NETR_SHARE_ENUM = 15;
const MAX_SHARES = 64;

export interface CommonShareName {
  readonly name: string;
  readonly source: string;
}

/** Tried one by one when enumeration is refused. SMB share names are case-insensitive. */
export const COMMON_SHARE_NAMES: readonly CommonShareName[] = [
  ...['public', 'share', 'shared', 'data', 'homes', 'home', 'backup', 'usbshare1', 'photo', 'video', 'web'].map((name) => ({ name, source: 'Synology DSM and generic NAS default shared folders' })),
  ...['Public', 'Multimedia', 'Download', 'Web', 'Recordings', 'Qmultimedia', 'Qdownload', 'Qweb', 'Qusb'].map((name) => ({ name, source: 'QNAP QTS default shared folders' })),
  ...['dicom', 'DICOM', 'pacs', 'images', 'scans', 'export', 'radiology', 'xray', 'ultrasound'].map((name) => ({ name, source: 'imaging folder names seen on exposed shares (2020 study of exposed medical images)' })),
];

export function shareTypeOf(type: number): SmbShare['type'] {
  switch (type & 0x0fffffff) {
    case 0:
      return 'disk';
    case 1:
      return 'printer';
    case 2:
      return 'device';
    case 3:
      return 'ipc';
    default:
      return 'unknown';
  }
}

/**
 * A DCE/RPC answer that breaks a bound or its structure is a protocol error.
 * One that is only cut short is not: a reply longer than one fragment (our
 * max_recv_frag is 4280) arrives in pieces this client does not reassemble,
 * and the common names are then tried as for a refusal.
 */
function readable<T>(r: Decoded<T>, what: string): r is { readonly ok: true; readonly value: T } {
  if (r.ok) return true;
  if (r.error.code === 'truncated') return false;
  throw new SmbProtocolError('SMB_MALFORMED', `malformed ${what} (${r.error.code}: ${r.error.field})`);
}

/** NetrShareEnum through IPC$\srvsvc; undefined when any step is refused; throws SmbProtocolError on a malformed answer. */
export async function enumerateShares(client: SmbClient, server: string): Promise<ShareInfo1[] | undefined> {
  const ipc = await treeConnect(client, server, 'IPC$');
  if (!ipc.ok) return undefined;
  const pipe = await open(client, ipc.value.treeId, 'srvsvc', 'pipe');
  if (!pipe.ok) return undefined;
  try {
    const id = pipe.value.fileId;
    if ((await write(client, ipc.value.treeId, id, encodeBind(1))) !== 0) return undefined;
    const ack = await read(client, ipc.value.treeId, id, 0, 4280);
    if (!ack.ok) return undefined;
    const bound = decodeBindAck(ack.value);
    if (!readable(bound, 'DCE/RPC bind_ack') || !bound.value.accepted) return undefined;
    if ((await write(client, ipc.value.treeId, id, encodeRequest(2, OPNUM_NETR_SHARE_ENUM, encodeNetShareEnumAll(`\\\\${server}`)))) !== 0) return undefined;
    const reply = await read(client, ipc.value.treeId, id, 0, 65536);
    if (!reply.ok) return undefined;
    const response = decodeResponse(reply.value);
    if (!readable(response, 'DCE/RPC response') || response.value.kind !== 'response') return undefined;
    const shares = decodeNetShareEnumAll(response.value.stub, MAX_SHARES);
    if (!readable(shares, 'NetrShareEnum response') || shares.value.werror !== 0) return undefined;
    return shares.value.shares;
  } finally {
    await close(client, ipc.value.treeId, pipe.value.fileId);
  }
}
