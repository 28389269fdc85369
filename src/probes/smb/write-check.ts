/**
 * The opt-in write check (--check-write) on an SMB share: CREATE of a fresh
 * name with FILE_CREATE and FILE_DELETE_ON_CLOSE, then CLOSE. Nothing existing
 * can be touched, and closing removes the file.
 */
import { randomBytes } from 'node:crypto';
import { Status } from '../../protocols/smb/smb2.ts';
import type { WriteAccess } from '../../observation/file-share.ts';
import type { SmbClient } from './client.ts';
import { close, open } from './share-ops.ts';

/**
 * What a failed CREATE says about write access. Only a denial is a refusal
 * (MS-ERREF 2.3.1: ACCESS_DENIED for the ACL, MEDIA_WRITE_PROTECTED for a
 * read-only volume); any other status (disk full, a name clash) leaves the
 * question open.
 */
export function createFailure(status: number): Extract<WriteAccess['probe'], 'refused' | 'error'> {
  return status === Status.ACCESS_DENIED || status === Status.MEDIA_WRITE_PROTECTED ? 'refused' : 'error';
}

export async function checkWrite(client: SmbClient, treeId: number): Promise<WriteAccess['probe']> {
  const created = await open(client, treeId, `exposure-write-check-${randomBytes(8).toString('hex')}.txt`, 'new-empty-file');
  if (!created.ok) return createFailure(created.status);
  return (await close(client, treeId, created.value.fileId)) === Status.SUCCESS ? 'created-and-removed' : 'created-not-removed';
}
