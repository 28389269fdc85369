import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, humanLine, type LogOutput } from '../src/log.ts';

function capture(isTTY: boolean): { output: LogOutput; lines: string[] } {
  const lines: string[] = [];
  return { output: { isTTY, write: (text) => void lines.push(text) }, lines };
}

describe('logger', () => {
  it('writes one JSON object a line when the output is not a terminal', () => {
    const { output, lines } = capture(false);
    createLogger('info', output).info({ endpoint: '127.0.0.1:104', status: 'rejected' }, 'service probed');
    assert.equal(lines.length, 1);
    const event = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(event.msg, 'service probed');
    assert.equal(event.status, 'rejected');
    assert.equal(event.level, 30);
  });

  it('writes one readable line per event on a terminal', () => {
    const { output, lines } = capture(true);
    const log = createLogger('info', output);
    log.warn({ endpoint: '127.0.0.1:104', status: 'rejected', findings: ['EXP-DICOM-004'], note: 'two words' }, 'service probed');
    log.debug('not at this level');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^\d\d:\d\d:\d\d WARN  service probed endpoint=127\.0\.0\.1:104 status=rejected findings=\["EXP-DICOM-004"\] note="two words"\n$/);
  });

  it('redacts patient attributes on both outputs', () => {
    for (const tty of [false, true]) {
      const { output, lines } = capture(tty);
      createLogger('info', output).info({ PatientName: 'QUILL^FEATHER', nested: { PatientID: 'QF-12345' } }, 'event');
      assert.ok(!lines[0]!.includes('QUILL') && !lines[0]!.includes('QF-12345'), lines[0]);
      assert.match(lines[0]!, /\[redacted\]/);
    }
  });

  it('keeps terminal escapes and newlines from a peer out of the terminal', () => {
    const line = humanLine(JSON.stringify({ level: 30, time: 0, msg: 'banner\nFAKE 00:00:00 ERROR', product: '\u001b[2Jx\u009b31m', n: 3 }));
    assert.equal(line.indexOf('\n'), line.length - 1, 'one line');
    assert.ok(!/[\u001b\u009b]/.test(line));
    assert.match(line, /INFO  banner\\u000aFAKE 00:00:00 ERROR product="\\u001b\[2Jx\\u009b31m" n=3\n$/);
  });
});
