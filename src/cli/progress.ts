/**
 * Scan progress on stderr: one line rewritten in place on a terminal,
 * plain lines at most every few seconds otherwise (logs, CI).
 */
import type { ScanProgress } from '../scan/run-scan.ts';

export interface ProgressReporter {
  update(p: ScanProgress): void;
  done(p: ScanProgress): void;
}

function line(p: ScanProgress): string {
  const seconds = Math.max(0.001, (Date.now() - p.startedAt) / 1000);
  const rate = p.hostsDone / seconds;
  const pct = p.hostsTotal > 0 ? ((100 * p.hostsDone) / p.hostsTotal).toFixed(1) : '0.0';
  const eta = rate > 0 && p.hostsTotal > p.hostsDone ? ` · eta ${Math.ceil((p.hostsTotal - p.hostsDone) / rate)} s` : '';
  return `hosts ${p.hostsDone}/${p.hostsTotal} (${pct}%) · open ports ${p.openPorts} · services ${p.services} · findings ${p.findings} · ${rate.toFixed(1)} hosts/s${eta}`;
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
        stream.write(`\r\x1b[2K${line(p)}`);
      } else if (now - last >= intervalMs) {
        last = now;
        stream.write(`progress: ${line(p)}\n`);
      }
    },
    done(p) {
      stream.write(tty ? `\r\x1b[2K${line(p)}\n` : `done: ${line(p)}\n`);
    },
  };
}
