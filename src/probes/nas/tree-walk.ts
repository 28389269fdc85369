/**
 * A bounded breadth-first walk of a file share, the same for FTP, SMB and rsync:
 * list folder by folder, recognise DICOM files by name and (for a capped
 * sample) by their first bytes, match names against the indicator table,
 * read the first KiB of a few small text files against the content table,
 * and add everything up as counts. No name, path or text leaves this file.
 */
import type { DistinctCounter } from '../../privacy/pseudonyms.ts';
import { InventoryBuilder } from '../../privacy/inventory.ts';
import type { AttributeInventory, Count, ExposureCounts } from '../../observation/observation.ts';
import type { Deadline, FileWalkOptions } from '../probe.ts';
import { matchContent } from './content-indicators.ts';
import { classifyName } from './dicom-names.ts';
import { EXECUTABLE_NAME, matchIndicator } from './indicators.ts';
import { MARKER_BYTES, TEXT_READ, type TextReadLimits } from './limits.ts';
import { enoughOfHeader, readHeaderFacts } from './part10-header.ts';
import { TextSample } from './text-sample.ts';
import type { FileWalk, IndicatorHit, WalkStop } from '../../observation/file-share.ts';

export interface TreeEntry {
  readonly name: string;
  readonly kind: 'file' | 'directory' | 'other';
  readonly size: number;
  /** What the listing says about writing here (FTP permissions, SMB access mask), if anything. */
  readonly writable?: boolean;
}

/**
 * Told the bytes read so far, how many of them to keep once that is enough
 * (the read then stops), or undefined to read on up to the byte cap.
 */
export type EnoughOf = (head: Buffer) => number | undefined;

/** A text file is read up to the cap (or its end): its first KiB are all there is to match. */
const READ_TO_CAP: EnoughOf = () => undefined;

/**
 * One share, as the protocol sees it. Paths are lists of names from the share's root.
 * Every call is bounded by the walk's signal: when it aborts, whatever the call waits
 * for (a listing, a file trickling in, a reconnect) is given up at once.
 */
export interface FileTree {
  /** The entries of a folder, or undefined when the server refuses or fails to list it. */
  list(path: readonly string[], signal: AbortSignal): Promise<readonly TreeEntry[] | undefined>;
  /**
   * At most `maxBytes` from the start of a file, fewer once `enough` says so
   * (a DICOM header read up to Pixel Data; a text file to the cap). Undefined on failure.
   */
  readHead(path: readonly string[], maxBytes: number, signal: AbortSignal, enough: EnoughOf): Promise<Buffer | undefined>;
  /**
   * A tree read whole before the walk (rsync's one file list) says here when
   * it stopped reading it at a bound, which the walk's own counts may not reach.
   */
  cutShort?(): WalkStop | undefined;
}

export interface WalkOutcome {
  readonly walk: FileWalk;
  readonly exposure: ExposureCounts;
  readonly inventory?: AttributeInventory;
  /** A listing said a folder or file is writable. */
  readonly listingSaysWritable: boolean;
  /** The first folder a listing said is writable (in memory only: for --check-write, never stored). */
  readonly writableFolder?: readonly string[];
  /** What broke the walk before any bound did (the tree threw): the counts above stand, as lower bounds. */
  readonly failure?: unknown;
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

const SKIP_NAMES = new Set(['.', '..']);

/**
 * Walks `tree` within --walk-time and the probe's deadline, whichever ends first:
 * both bound every listing and every file read as it runs, not only between them.
 * `text` bounds the content read (limits.ts; fixed, given here by tests).
 */
export async function walkTree(tree: FileTree, limits: FileWalkOptions, patients: DistinctCounter, probe: Deadline, text: TextReadLimits = TEXT_READ): Promise<WalkOutcome> {
  const deadline = probe.within(limits.walkTimeMs, 'the walk');
  try {
    return await walkWithin(tree, limits, text, patients, deadline.signal);
  } finally {
    deadline.end();
  }
}

async function walkWithin(tree: FileTree, limits: FileWalkOptions, text: TextReadLimits, patients: DistinctCounter, signal: AbortSignal): Promise<WalkOutcome> {
  const stops = new Set<WalkStop>();
  const inventory = new InventoryBuilder();
  const studies = new Set<string>();
  const indicators = new Map<string, IndicatorHit>();
  const elementCounts: number[] = [];
  const w = { directories: 0, files: 0, bytes: 0, dicomFiles: 0, dicomBytes: 0, dicomdirs: 0, dicomFolders: 0, recognisedByName: 0, confirmedByMarker: 0, headersRead: 0, textsRead: 0, deepestLevel: 0 };
  const texts = new TextSample(text);
  let entries = 0;
  let writable = false;
  let writableFolder: string[] | undefined;
  const queue: { path: string[]; depth: number }[] = [{ path: [], depth: 0 }];
  let queued = 1;

  const hit = (id: string, kind: IndicatorHit['kind'], by: 'name' | 'content'): void => {
    const h = indicators.get(id) ?? { id, kind, count: 0, by };
    indicators.set(id, { ...h, count: h.count + 1 });
  };

  let failure: unknown;
  /** A tree call that threw: cut by the walk's time (said below), or broken, which ends the walk with what was counted. */
  const broke = (err: unknown): void => {
    if (!signal.aborted) failure = err;
  };

  walk: while (queue.length > 0 && failure === undefined && !signal.aborted) {
    const { path, depth } = queue.shift()!;
    const listing = await tree.list(path, signal).catch((err: unknown) => (broke(err), null));
    if (listing === null || (listing === undefined && signal.aborted)) break;
    if (listing === undefined) {
      stops.add('listing-error');
      continue;
    }
    w.directories += 1;
    w.deepestLevel = Math.max(w.deepestLevel, depth);
    const folderName = path.at(-1) ?? '';
    let dicomHere = 0;
    let executablesHere = 0;
    for (const e of listing) {
      if (SKIP_NAMES.has(e.name)) continue;
      if (++entries > limits.maxEntries) {
        stops.add('entries');
        break walk;
      }
      if (e.writable === true) {
        writable = true;
        writableFolder ??= e.kind === 'directory' ? [...path, e.name] : path;
      }
      if (e.kind === 'directory') {
        if (depth + 1 > limits.maxDepth) stops.add('depth');
        else if (queued >= limits.maxDirectories) stops.add('directories');
        else {
          queue.push({ path: [...path, e.name], depth: depth + 1 });
          queued += 1;
        }
        continue;
      }
      if (e.kind !== 'file') continue;
      w.files += 1;
      w.bytes += e.size;
      const indicator = matchIndicator(e.name, folderName);
      if (indicator) {
        hit(indicator.id, indicator.kind, 'name');
        continue; // never read, whatever its name looks like
      }
      texts.offer(path, e.name, e.size);
      if (EXECUTABLE_NAME.test(e.name)) executablesHere += 1;
      const verdict = classifyName(e.name);
      if (verdict === 'dicomdir') {
        w.dicomdirs += 1;
        continue;
      }
      if (verdict === 'not-dicom') continue;
      let isDicom = verdict === 'dicom-name';
      if (isDicom) w.recognisedByName += 1;
      if (w.headersRead < limits.maxHeaderSamples && e.size >= MARKER_BYTES && !signal.aborted && failure === undefined) {
        // A read cut short leaves the file counted by its name alone; the listing in hand is still counted.
        const head = await tree.readHead([...path, e.name], limits.maxHeaderBytes, signal, enoughOfHeader).catch((err: unknown) => void broke(err));
        if (head !== undefined) {
          w.headersRead += 1;
          const facts = readHeaderFacts(head);
          if (facts.marker) {
            isDicom = true;
            w.confirmedByMarker += 1;
            elementCounts.push(facts.elementCount);
            inventory.addRecord(facts.nonEmptyTags);
            if (facts.patientId) patients.add(facts.patientId);
            if (facts.studyInstanceUid) studies.add(facts.studyInstanceUid);
          }
        }
      }
      if (isDicom) {
        w.dicomFiles += 1;
        w.dicomBytes += e.size;
        dicomHere += 1;
      }
    }
    if (dicomHere > 0) {
      w.dicomFolders += 1;
      for (let i = 0; i < executablesHere; i++) hit('executable-in-image-folder', 'executable-in-image-folder', 'name');
    }
  }

  // The chosen text files, once the listing is done: what they say is matched and dropped here.
  for (const path of texts.chosen()) {
    if (signal.aborted || failure !== undefined) break;
    const head = await tree.readHead(path, text.maxBytes, signal, READ_TO_CAP).catch((err: unknown) => void broke(err));
    if (head === undefined) continue;
    w.textsRead += 1;
    for (const i of matchContent(head, text.maxBytes)) hit(i.id, i.kind, 'content');
  }

  // Time ran out (--walk-time or the probe's deadline) in a call or between two.
  if (signal.aborted) stops.add('time');
  const cut = tree.cutShort?.();
  if (cut) stops.add(cut);
  const stoppedBy = [...stops].sort();
  const truncated = stoppedBy.length > 0 || failure !== undefined;
  const sorted = [...elementCounts].sort((a, b) => a - b);
  const walk: FileWalk = {
    ...w,
    ...(sorted.length > 0 ? { elementsPerHeader: { min: sorted[0]!, median: median(sorted), max: sorted.at(-1)! } } : {}),
    stoppedBy,
    indicators: [...indicators.values()].sort((a, b) => a.id.localeCompare(b.id)),
  };
  const count = (n: number, atLeast: boolean): Count => ({ n, atLeast });
  const sampledAll = w.confirmedByMarker >= w.dicomFiles;
  const exposure: ExposureCounts =
    w.dicomFiles === 0
      ? {}
      : {
          files: count(w.dicomFiles, truncated),
          bytes: count(w.dicomBytes, truncated),
          images: count(w.dicomFiles, truncated),
          ...(w.confirmedByMarker > 0 ? { patients: count(patients.size, truncated || !sampledAll), studies: count(studies.size, truncated || !sampledAll) } : {}),
        };
  return {
    walk,
    exposure,
    ...(inventory.recordCount > 0 ? { inventory: inventory.build() } : {}),
    listingSaysWritable: writable,
    ...(writableFolder ? { writableFolder } : {}),
    ...(failure === undefined ? {} : { failure }),
  };
}
