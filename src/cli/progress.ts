/**
 * Scan progress on stderr: one line rewritten in place on a terminal,
 * plain lines at most every few seconds otherwise (logs, CI), and a final line
 * with what was excluded, unreachable and open.
 */
import { counted } from '../observation/count.ts';
import type { ScanProgress } from '../scan/run-scan.ts';

export interface ProgressReporter {
  update(p: ScanProgress): void;
  done(p: ScanProgress): void;
}

function duration(seconds: number): string {
  if (seconds < 120) return `${Math.ceil(seconds)} s`;
  if (seconds < 7200) return `${Math.ceil(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function progressLine(p: ScanProgress, now = Date.now()): string {
  const seconds = Math.max(0.001, (now - p.startedAt) / 1000);
  const rate = (p.hostsDone - p.doneAtStart) / seconds;
  const total = p.hostsTotal;
  const approx = p.approximateTotal ? '≈' : '';
  const done = total === undefined ? `targets ${p.hostsDone}` : `targets ${p.hostsDone}/${approx}${total} (${((100 * p.hostsDone) / Math.max(1, total)).toFixed(1)}%)`;
  const eta = total !== undefined && rate > 0 && total > p.hostsDone ? ` · eta ${duration((total - p.hostsDone) / rate)}` : '';
  return `${done} · ${rate.toFixed(1)}/s${eta} · open ports ${p.openPorts} · services ${p.services} · findings ${p.findings}`;
}

export function finalLine(p: ScanProgress): string {
  return [
    `${counted(p.hostsDone, 'target')} done`,
    `${p.excluded} excluded`,
    `${p.unreachable} unreachable (no open port)`,
    counted(p.openPorts, 'open port'),
    counted(p.services, 'service'),
    counted(p.findings, 'finding'),
  ].join(' · ');
}

/** What a progress line counts, without the rate: two lines with the same key say the same. */
function progressKey(p: ScanProgress): string {
  return [p.hostsDone, p.hostsTotal, p.openPorts, p.services, p.findings].join(' ');
}

export function progressReporter(stream: NodeJS.WriteStream, intervalMs = 5000): ProgressReporter {
  const tty = stream.isTTY === true;
  let last = 0;
  // The counts of the last plain line written: the closing line is not printed twice (a short scan's
  // first line is often already its last, at 100 %).
  let lastWritten: string | undefined;
  return {
    update(p) {
      const now = Date.now();
      if (tty) {
        if (now - last < 100) return;
        last = now;
        stream.write(`\r\x1b[2K${progressLine(p, now)}`);
      } else if (now - last >= intervalMs) {
        last = now;
        lastWritten = progressKey(p);
        stream.write(`progress: ${progressLine(p, now)}\n`);
      }
    },
    done(p) {
      // On a terminal the line in place is rewritten once more, and ended.
      if (tty) stream.write(`\r\x1b[2K${progressLine(p)}\n`);
      else if (lastWritten !== progressKey(p)) stream.write(`progress: ${progressLine(p)}\n`);
      stream.write(`done: ${finalLine(p)}\n`);
    },
  };
}
