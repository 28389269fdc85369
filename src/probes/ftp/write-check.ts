/**
 * The opt-in write check (--check-write): STOR of a uniquely named empty file
 * and DELE of it (RFC 959 4.1.3). Nothing existing is touched: the name is
 * fresh, the content empty, and it is removed at once.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Client } from 'basic-ftp';
import type { WriteAccess } from '../../observation/file-share.ts';
import { remotePath } from './tree.ts';

function writeCheckName(): string {
  return `exposure-write-check-${randomBytes(8).toString('hex')}.txt`;
}

export async function checkWrite(client: Client, folder: readonly string[]): Promise<WriteAccess['probe']> {
  const path = remotePath([...folder, writeCheckName()]);
  try {
    await client.uploadFrom(Readable.from([]), path);
  } catch {
    return 'refused';
  }
  try {
    await client.remove(path);
    return 'created-and-removed';
  } catch {
    return 'created-not-removed';
  }
}
