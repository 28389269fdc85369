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
