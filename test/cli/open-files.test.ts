/**
 * The open-files decision (pure), and bin/exposure.js acting on it: run again
 * under a raised limit, or one warning line. Scans go to 127.3.0.1 port 9,
 * where nothing listens (needs `npm run build`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  DEFAULT_PACE,
  openFileLimits,
  openFilesDecision,
  openFilesNeeded,
  parseOpenFileLimits,
  scanPace,
  tooLowLine,
} from '../../src/cli/open-files.ts';
import { CLI, exposure } from './exposure-cli.ts';

const pace = { concurrency: 4096, perHost: 4 };

describe('open-files decision', () => {
  it('needs one descriptor per connection in flight and a spare 64', () => {
    assert.equal(openFilesNeeded(pace), 4096 * 4 + 64);
  });

  it('does nothing when the soft limit covers the scan', () => {
    assert.deepEqual(openFilesDecision({ soft: 20_000, hard: 20_000 }, pace, false), { kind: 'enough' });
    assert.deepEqual(openFilesDecision({ soft: 1024, hard: 4096 }, DEFAULT_PACE, false), { kind: 'enough' });
  });

  it('runs again under the hard limit when the soft one is too low', () => {
    assert.deepEqual(openFilesDecision({ soft: 1024, hard: 1_048_576 }, pace, false), { kind: 'raise', to: 1_048_576 });
    // A hard limit too low still helps: raise to it; the process run again then warns.
    assert.deepEqual(openFilesDecision({ soft: 1024, hard: 8192 }, pace, false), { kind: 'raise', to: 8192 });
    // "unlimited": ask for what is needed, not for infinity.
    assert.deepEqual(openFilesDecision({ soft: 1024, hard: Infinity }, pace, false), { kind: 'raise', to: 16_448 });
  });

  it('warns, with the concurrency that fits, when the hard limit allows no more or the process already ran again', () => {
    assert.deepEqual(openFilesDecision({ soft: 1024, hard: 1024 }, pace, false), { kind: 'too-low', limit: 1024, needed: 16_448, fits: 240 });
    assert.deepEqual(openFilesDecision({ soft: 8192, hard: 1_048_576 }, pace, true), { kind: 'too-low', limit: 8192, needed: 16_448, fits: 2032 });
    assert.deepEqual(openFilesDecision({ soft: 32, hard: 32 }, pace, false), { kind: 'too-low', limit: 32, needed: 16_448, fits: 0 });
    const line = tooLowLine({ kind: 'too-low', limit: 1024, needed: 16_448, fits: 240 }, pace);
    assert.match(line, /^exposure: warning: --concurrency 4,096 .* 16,448 files .* only 1,024 .* --concurrency 240 fits/);
    assert.equal(line.split('\n').length, 2, 'one line');
    assert.doesNotMatch(tooLowLine({ kind: 'too-low', limit: 32, needed: 16_448, fits: 0 }, pace), /fits/);
  });

  it('reads the pace of a scan that sends, and nothing else', () => {
    assert.deepEqual(scanPace(['scan', '10.0.0.0/8', '--concurrency', '4096', '--per-host=2']), { concurrency: 4096, perHost: 2 });
    assert.deepEqual(scanPace(['scan', '10.0.0.1']), DEFAULT_PACE);
    assert.deepEqual(scanPace(['scan', '--', '--concurrency', '9']), DEFAULT_PACE);
    assert.deepEqual(scanPace(['scan', '10.0.0.1', '--concurrency', 'many']), DEFAULT_PACE, 'left to the option parser to refuse');
    for (const args of [['--help'], ['report', '--concurrency', '4096'], ['scan', '10.0.0.1', '--dry-run'], ['scan', '-h'], []]) {
      assert.equal(scanPace(args), undefined, args.join(' '));
    }
  });

  it('parses /proc/self/limits', () => {
    const text = 'Limit                     Soft Limit           Hard Limit           Units     \nMax open files            1024                 unlimited            files     \n';
    assert.deepEqual(parseOpenFileLimits(text), { soft: 1024, hard: Infinity });
    assert.equal(parseOpenFileLimits('Max processes 10 10'), undefined);
    const own = openFileLimits();
    assert.ok(own === undefined || own.hard >= own.soft);
  });
});

describe('bin/exposure.js and the open-files limit', () => {
  const sh = promisify(execFile);
  /** Runs the CLI under a shell that first sets the limits: soft first, it may not exceed the hard one. */
  const scanUnder = async (soft: number, hard: number): Promise<string> => {
    const dir = mkdtempSync(join(tmpdir(), 'exposure-open-files-'));
    try {
      const script = `ulimit -Sn ${soft} && ulimit -Hn ${hard} && exec "$0" "$@"`;
      const r = await sh('/bin/sh', ['-c', script, process.execPath, CLI, 'scan', '127.3.0.1', '--ports', '9', '--concurrency', '100', '--db', join(dir, 'x.db'), '--quiet'], { timeout: 30_000 });
      return r.stderr;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('keeps the defaults main.ts gives --concurrency and --per-host', async () => {
    const help = (await exposure(['scan', '--help'])).stdout.replace(/\s+/g, ' ');
    assert.match(help, new RegExp(`--concurrency <n>(?:(?! --).)*\\(default: ${DEFAULT_PACE.concurrency}\\)`));
    assert.match(help, new RegExp(`--per-host <n>(?:(?! --).)*\\(default: ${DEFAULT_PACE.perHost}\\)`));
  });

  it('runs a scan again under the raised limit, and says once when even that is too low', { timeout: 60_000 }, async () => {
    const limits = openFileLimits();
    assert.ok(limits && limits.hard >= 1000, 'this test needs a hard limit of 1000 or more');
    // 100 hosts × 4 need 464 files: soft 256, hard 1000 → run again with 1000, no warning.
    assert.doesNotMatch(await scanUnder(256, 1000), /warning/);
    // Hard 300: run again with 300 (the warning names 300, not 256), still too low for 464.
    const stderr = await scanUnder(256, 300);
    assert.match(stderr, /may open only 300 .* --concurrency 59 fits/);
    assert.equal(stderr.match(/warning/g)?.length, 1);
    // Soft = hard: no second run, the warning names the limit as it was.
    assert.match(await scanUnder(256, 256), /may open only 256 .* --concurrency 48 fits/);
  });
});
