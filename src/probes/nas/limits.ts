/** Default bounds of a share walk, used when the scan gives none (FileWalkOptions in probe.ts). */
import type { FileWalkOptions } from '../probe.ts';

export const DEFAULT_FILE_WALK: FileWalkOptions = {
  maxDepth: 8,
  maxDirectories: 500,
  maxEntries: 20_000,
  maxHeaderSamples: 50,
  // A DICOM header without pixel data is rarely above a few KiB; 64 KiB leaves room for private tags.
  maxHeaderBytes: 64 << 10,
  walkTimeMs: 60_000,
  checkWrite: false,
};

/** Bytes needed to see the "DICM" marker: 128-byte preamble + 4 (PS3.10 7.1). */
export const MARKER_BYTES = 132;

/**
 * Bounds of the content read: small text files (notes, configurations) whose
 * first bytes are matched against the content indicators, in memory, inside
 * the walk's time. Fixed, not options: a ransom note or a miner's config is
 * found in its first few KiB, and a handful per share is enough to see one.
 */
export interface TextReadLimits {
  /** Files read at most per share (module, tree). */
  readonly maxFiles: number;
  /** Bytes read at most from one file: its head, never the rest. */
  readonly maxBytes: number;
  /** Files read at most from one folder, so that one folder of reports does not take them all. */
  readonly maxPerFolder: number;
  /** Larger files are no candidates: a note or a config is small, a large text file is a log or an export. */
  readonly maxFileSize: number;
}

export const TEXT_READ: TextReadLimits = { maxFiles: 8, maxBytes: 4 << 10, maxPerFolder: 2, maxFileSize: 1 << 20 };
