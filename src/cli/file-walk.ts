/** `exposure scan` options of the FTP and SMB share walks (scan/options.ts reads them into a run's parameters, and says how --check-write is guarded). */
import { Option } from 'commander';
import { DEFAULT_FILE_WALK } from '../probes/nas/index.ts';
import { positiveInt } from './options.ts';

export interface FileWalkFlags {
  maxDepth: number;
  maxDirs: number;
  maxEntries: number;
  maxHeaderSamples: number;
  maxHeaderBytes: number;
  walkTime: number;
  checkWrite?: boolean;
}

export function fileWalkOptions(): Option[] {
  const d = DEFAULT_FILE_WALK;
  return [
    new Option('--max-depth <n>', 'FTP/SMB: folder levels to descend').argParser(positiveInt('--max-depth', 0, 64)).default(d.maxDepth),
    new Option('--max-dirs <n>', 'FTP/SMB: folders to list per share').argParser(positiveInt('--max-dirs', 1, 1_000_000)).default(d.maxDirectories),
    new Option('--max-entries <n>', 'FTP/SMB: directory entries to read per share').argParser(positiveInt('--max-entries', 1, 10_000_000)).default(d.maxEntries),
    new Option('--max-header-samples <n>', 'FTP/SMB: files whose first bytes are read to confirm DICOM and inventory the header').argParser(positiveInt('--max-header-samples', 0, 100_000)).default(d.maxHeaderSamples),
    new Option('--max-header-bytes <n>', 'FTP/SMB: bytes read from one file at most (the read stops at Pixel Data)').argParser(positiveInt('--max-header-bytes', 132, 1 << 20)).default(d.maxHeaderBytes),
    new Option('--walk-time <ms>', 'FTP/SMB: wall-clock bound of one share walk').argParser(positiveInt('--walk-time', 100, 3_600_000)).default(d.walkTimeMs),
    new Option('--check-write', 'FTP/SMB: create and remove one uniquely named empty file to test write access (only for targets you may test)'),
  ];
}
