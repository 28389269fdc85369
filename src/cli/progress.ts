/**
 * Scan progress on stderr: one line rewritten in place on a terminal,
 * plain lines at most every few seconds otherwise (logs, CI), and a final line
 * with what was excluded, unreachable and open.
 */
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

export function progressLine(p: ScanProgress, now = Date.now()): string {
  const seconds = Math.max(0.001, (now - p.startedAt) / 1000);
  const rate = (p.hostsDone - p.doneAtStart) / seconds;
  const total = p.hostsTotal;
  const approx = p.approximateTotal ? '≈' : '';
  const done = total === undefined ? `targets ${p.hostsDone}` : `targets ${p.hostsDone}/${approx}${total} (${((100 * p.hostsDone) / Math.max(1, total)).toFixed(1)}%)`;
  const eta = total !== undefined && rate > 0 && total > p.hostsDone ? ` · eta ${duration((total - p.hostsDone) / rate)}` : '';
  return `${done} · ${rate.toFixed(1)}/s${eta} · open ports ${p.openPorts} · services ${p.services} · findings ${p.findings}`;
}

export function finalLine(p: ScanProgress): string {
  return `${p.hostsDone} targets done · ${p.excluded} excluded · ${p.unreachable} unreachable (no open port) · ${p.openPorts} open ports · ${p.services} services · ${p.findings} findings`;
}

export function progressReporter(stream: NodeJS.WriteStream, intervalMs = 5000): ProgressReporter {
  const tty = stream.isTTY === true;
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (tty) {
        if (now - last < 100) return;
        last = now;
        stream.write(`\r\x1b[2K${progressLine(p, now)}`);
      } else if (now - last >= intervalMs) {
        last = now;
        stream.write(`progress: ${progressLine(p, now)}\n`);
      }
    },
    done(p) {
      stream.write(tty ? `\r\x1b[2K${progressLine(p)}\n` : `progress: ${progressLine(p)}\n`);
      stream.write(`done: ${finalLine(p)}\n`);
    },
  };
}
