/** The scan's progress lines on stderr: nouns that agree with their counts, and the closing line printed once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finalLine, progressReporter } from '../../src/cli/progress.ts';
import type { ScanProgress } from '../../src/scan/run-scan.ts';

const DONE: ScanProgress = {
  hostsDone: 1,
  hostsTotal: 1,
  approximateTotal: false,
  excluded: 0,
  unreachable: 0,
  openPorts: 1,
  services: 1,
  findings: 1,
  startedAt: Date.now() - 1000,
  doneAtStart: 0,
};

/** A stream that keeps what was written; `isTTY` as the test says. */
function sink(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = { isTTY, write: (s: string) => chunks.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join('') };
}

test('the closing line says "1 target done", "1 open port", "1 service", "1 finding"', () => {
  assert.equal(finalLine(DONE), '1 target done · 0 excluded · 0 unreachable (no open port) · 1 open port · 1 service · 1 finding');
  assert.equal(
    finalLine({ ...DONE, hostsDone: 2, openPorts: 0, services: 3, findings: 0 }),
    '2 targets done · 0 excluded · 0 unreachable (no open port) · 0 open ports · 3 services · 0 findings',
  );
});

test('off a terminal, the 100 % line a short scan already printed is not printed again when it ends', () => {
  const out = sink(false);
  const reporter = progressReporter(out.stream, 5000);
  reporter.update(DONE);
  reporter.done(DONE);
  const lines = out.text().trimEnd().split('\n');
  assert.equal(lines.filter((l) => l.startsWith('progress: ')).length, 1, out.text());
  assert.match(lines[0]!, /^progress: targets 1\/1 \(100\.0%\)/);
  assert.match(lines[1]!, /^done: 1 target done/);
});

test('off a terminal, the closing progress line is printed when the last one written was behind', () => {
  const out = sink(false);
  const reporter = progressReporter(out.stream, 5000);
  reporter.update({ ...DONE, hostsDone: 0, hostsTotal: 1, services: 0, openPorts: 0, findings: 0 });
  reporter.done(DONE);
  const progress = out.text().split('\n').filter((l) => l.startsWith('progress: '));
  assert.equal(progress.length, 2);
  assert.match(progress[1]!, /targets 1\/1 \(100\.0%\)/);
});

test('on a terminal, the line rewritten in place is ended once, then the closing line', () => {
  const out = sink(true);
  const reporter = progressReporter(out.stream, 5000);
  reporter.update(DONE);
  reporter.done(DONE);
  const text = out.text();
  assert.equal(text.split('\n').length - 1, 2, 'two line ends: the progress line, then done');
  assert.match(text, /\n$/);
  assert.match(text, /done: 1 target done/);
});
