/**
 * An anonymous rsync module as the shared walker sees it (probes/nas/).
 *
 * rsync has no "list this folder": the sender sends the whole recursive file
 * list at once. The first listing reads it (bounded by the walk's entry cap
 * and its signal) and files it by folder in memory; later listings are
 * answered from there. A file's first bytes take a connection of their own:
 * a one-file list, then that file's data, read up to the header bound and cut.
 */
import type { WalkStop } from '../../observation/file-share.ts';
import { fileArguments } from '../../protocols/rsync/daemon.ts';
import { pathOf, type FileListEntry } from '../../protocols/rsync/file-list.ts';
import type { EnoughOf, FileTree, TreeEntry } from '../nas/tree-walk.ts';
import type { RsyncSession } from './session.ts';

/** Opens a new session to the same daemon, its waits bounded by `signal`. */
export type SessionOpener = (signal: AbortSignal) => Promise<RsyncSession>;

export class RsyncTree implements FileTree {
  private folders: Map<string, TreeEntry[]> | undefined;
  private cut: WalkStop | undefined;

  /**
   * `listing` is a session whose module request was answered OK with the
   * recursive list's arguments: its file list is next on the wire.
   * `maxEntries`: the walk's entry cap; the list is read one entry past it
   * (and the module's root), so the walk sees that it was reached.
   */
  constructor(
    private readonly listing: RsyncSession,
    private readonly open: SessionOpener,
    private readonly module: string,
    private readonly maxEntries: number,
  ) {}

  cutShort(): WalkStop | undefined {
    return this.cut;
  }

  async list(path: readonly string[], signal: AbortSignal): Promise<readonly TreeEntry[] | undefined> {
    if (!this.folders) {
      const entries: FileListEntry[] = [];
      try {
        const { complete } = await this.listing.readFileList(this.maxEntries + 2, signal, entries);
        if (!complete) this.cut = 'entries';
      } catch (err) {
        // Time ran out while the list came in: what arrived is walked, and the walk says "time".
        if (!signal.aborted || entries.length === 0) throw err;
        this.cut = 'time';
      } finally {
        this.listing.close();
      }
      this.folders = fileByFolder(entries);
    }
    return this.folders.get(path.join('/')) ?? [];
  }

  /** The file's data comes in one stream, read until `enough` says so or to the cap; the connection is then cut. */
  async readHead(path: readonly string[], maxBytes: number, signal: AbortSignal, enough: EnoughOf): Promise<Buffer | undefined> {
    const session = await this.open(signal);
    try {
      if ((await session.requestModule(this.module, fileArguments(this.module, path))) !== 'ok') return undefined;
      const { entries, complete } = await session.readFileList(2, signal);
      // One regular file and nothing else, or the path did not name what the list said it did.
      if (!complete || entries.length !== 1 || entries[0]!.kind !== 'file') return undefined;
      return await session.readFileHead(0, maxBytes, signal, enough);
    } finally {
      session.close();
    }
  }
}

/** The flat list as folders: path ("a/b", "" for the root) → its entries, each path once. */
function fileByFolder(entries: readonly FileListEntry[]): Map<string, TreeEntry[]> {
  const folders = new Map<string, TreeEntry[]>([['', []]]);
  const seen = new Set<string>();
  for (const e of entries) {
    const parts = pathOf(e.name);
    if (parts === undefined || parts.length === 0) continue; // the module's root ("."), or a path leaving it
    const key = parts.join('/');
    if (seen.has(key)) continue;
    seen.add(key);
    const parent = parts.slice(0, -1).join('/');
    const siblings = folders.get(parent) ?? [];
    folders.set(parent, siblings);
    siblings.push({ name: parts.at(-1)!, kind: e.kind, size: e.kind === 'file' ? e.length : 0 });
    if (e.kind === 'directory' && !folders.has(key)) folders.set(key, []);
  }
  return folders;
}
