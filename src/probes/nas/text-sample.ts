/**
 * Which small text files of a share are worth reading for the content
 * indicators (content-indicators.ts): names and extensions that ransom notes
 * and miner configurations take, a data table with a source per entry, and a
 * bounded choice among the files a walk meets — the likeliest kinds first,
 * at most a few per folder and per share. Paths stay in memory, for the reads.
 */
import type { TextReadLimits } from './limits.ts';

export interface TextCandidate {
  readonly id: string;
  /** Matched against the whole file name. */
  readonly name: RegExp;
  /** Lower is read first when a share holds more candidates than the limit. */
  readonly rank: number;
  readonly source: string;
}

export const TEXT_CANDIDATES: readonly TextCandidate[] = [
  { id: 'miner-config', name: /^config\.json$/i, rank: 0, source: 'XMRig reads config.json beside its binary (xmrig.com/docs/miner/config), wherever a dropper put it' },
  { id: 'hta-note', name: /\.hta$/i, rank: 1, source: 'HTML application ransom notes: Dharma/CrySiS and Phobos Info.hta (ID Ransomware; ThreatLabz ransomware_notes)' },
  { id: 'html-note', name: /\.html?$/i, rank: 2, source: 'HTML ransom notes and replaced pages: DeadBolt (QNAP advisory, January 2022), Locky and Cerber _HELP_ pages (ID Ransomware)' },
  { id: 'text-note', name: /\.txt$/i, rank: 3, source: 'plain-text ransom notes: _readme.txt (STOP/Djvu), README_FOR_DECRYPT.txt (eCh0raix), !!!READ_ME.txt (Qlocker), Restore-My-Files.txt (LockBit); renamed per campaign, hence read by content' },
];

/** The candidate entry a file name matches, if any. */
export function textCandidate(name: string): TextCandidate | undefined {
  return TEXT_CANDIDATES.find((c) => c.name.test(name));
}

interface Picked {
  readonly path: readonly string[];
  readonly folder: string;
  readonly rank: number;
  /** Order met in the walk: shallower folders first, as breadth-first meets them. */
  readonly order: number;
}

/** Worst first: the highest rank, then the latest met. */
function worse(a: Picked, b: Picked): number {
  return b.rank - a.rank || b.order - a.order;
}

/** The files a walk will read for content, chosen as it lists folders; never more than the limits allow. */
export class TextSample {
  private readonly picked: Picked[] = [];
  private readonly perFolder = new Map<string, number>();
  private met = 0;

  constructor(private readonly limits: TextReadLimits) {}

  /** Offers a listed file; kept if it is a candidate, fits the limits, and beats what it would replace. */
  offer(folder: readonly string[], name: string, size: number): void {
    const candidate = textCandidate(name);
    if (!candidate || size === 0 || size > this.limits.maxFileSize || this.limits.maxFiles === 0) return;
    const key = folder.join('/');
    if ((this.perFolder.get(key) ?? 0) >= this.limits.maxPerFolder) return;
    const p: Picked = { path: [...folder, name], folder: key, rank: candidate.rank, order: this.met++ };
    if (this.picked.length >= this.limits.maxFiles) {
      this.picked.sort(worse);
      const out = this.picked[0]!;
      if (out.rank <= p.rank) return;
      this.picked.shift();
      this.perFolder.set(out.folder, this.perFolder.get(out.folder)! - 1);
    }
    this.picked.push(p);
    this.perFolder.set(key, (this.perFolder.get(key) ?? 0) + 1);
  }

  /** The paths to read, likeliest first. */
  chosen(): readonly (readonly string[])[] {
    return [...this.picked].sort((a, b) => a.rank - b.rank || a.order - b.order).map((p) => p.path);
  }
}
