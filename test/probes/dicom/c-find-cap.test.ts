/**
 * --max-records means stop (PS3.7 9.3.2.3, PS3.4 C.4.1.2.3): at the cap the probe
 * sends C-CANCEL, waits a short grace (1 s, or the I/O timeout if shorter) for the
 * final response, then aborts. However the exchange ends, the matches read count,
 * as lower bounds, and raise EXP-DICOM-001. Scripted archives on 127.0.97.6, port 0.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { assess } from '../../../src/assess/assess.ts';
import { isExposed } from '../../../src/observation/exposed.ts';
import type { Observation } from '../../../src/observation/observation.ts';
import { encodePdu } from '../../../src/protocols/dicom/ul/index.ts';
import { Status } from '../../../src/protocols/dicom/dimse/status.ts';
import { CANCEL_GRACE_MS } from '../../../src/probes/dicom/c-find.ts';
import { correct, pending, probeArchive, reply, type Answer } from './scripted-archive.ts';

const HOST = '127.0.97.6';
/** PS3.8 9.3.8: source 0, service user (reason not significant). */
const USER_ABORT = { source: 0, reason: 0 };

/** Sends a pending match every 20 ms until the connection closes: a peer that never stops. */
function flood(socket: net.Socket, contextId: number, messageId: number): void {
  let n = 100;
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    for (const pdu of pending(contextId, messageId, n++)) socket.write(encodePdu(pdu));
  }, 20);
  socket.once('close', () => clearInterval(timer));
}

/** Answers the C-FIND with a flood of matches and ignores our C-CANCEL; notes when the C-CANCEL came. */
function ignoringCancel(cancelled: { at?: number }): Answer {
  return (rq, ctx, socket) => {
    if (rq.type === 'C-FIND-RQ') {
      flood(socket, ctx, rq.messageId);
      return pending(ctx, rq.messageId, 1);
    }
    if (rq.type === 'C-CANCEL-RQ') {
      cancelled.at = performance.now();
      return [];
    }
    return correct(rq, ctx, socket);
  };
}

function raises(o: Observation, ruleId: string): boolean {
  return assess(o).some((f) => f.ruleId === ruleId);
}

describe('the C-FIND cap means stop', () => {
  it('aborts a peer that ignores C-CANCEL after the grace, keeping the cap\'s matches and the finding', async () => {
    const cancelled: { at?: number } = {};
    const started = performance.now();
    const { o, d, types, abort } = await probeArchive(HOST, ignoringCancel(cancelled), { maxRecords: 5, ioTimeoutMs: 5000 });
    const ended = performance.now();
    assert.ok(cancelled.at !== undefined, 'the C-CANCEL reached the peer');
    const afterCancel = ended - cancelled.at;
    assert.ok(afterCancel >= CANCEL_GRACE_MS - 50 && afterCancel < CANCEL_GRACE_MS + 500, `ended ${afterCancel.toFixed(0)} ms after the C-CANCEL (whole probe ${(ended - started).toFixed(0)} ms)`);
    assert.equal(o.status, 'success');
    assert.equal(d?.find.matches, 5);
    assert.equal(d?.find.capped, true);
    assert.equal(d?.find.outcome, 'timeout');
    assert.deepEqual(o.exposure.studies, { n: 5, atLeast: true });
    assert.deepEqual(o.exposure.patients, { n: 5, atLeast: true });
    assert.equal(o.error?.phase, 'c-find');
    assert.equal(o.error?.code, 'io-timeout');
    assert.equal(d?.release, 'aborted');
    assert.deepEqual(abort, USER_ABORT);
    assert.deepEqual(types.slice(0, 3), ['A-ASSOCIATE-RQ', 'C-ECHO-RQ', 'C-FIND-RQ']);
    assert.deepEqual(types.slice(-2), ['C-CANCEL-RQ', 'A-ABORT']);
    assert.ok(raises(o, 'EXP-DICOM-001'), 'the critical finding is raised');
    assert.equal(isExposed(o), true);
  });

  it('waits no longer than the I/O timeout when it is shorter than the grace', async () => {
    const cancelled: { at?: number } = {};
    const { d } = await probeArchive(HOST, ignoringCancel(cancelled), { maxRecords: 3, ioTimeoutMs: 300 });
    const afterCancel = performance.now() - (cancelled.at ?? 0);
    assert.ok(afterCancel < 300 + 500, `ended ${afterCancel.toFixed(0)} ms after the C-CANCEL`);
    assert.equal(d?.find.matches, 3);
    assert.equal(d?.find.capped, true);
  });

  it('ends a peer that honours C-CANCEL with its Cancel status, released, nothing aborted', async () => {
    const answer: Answer = (rq, ctx, socket) => {
      if (rq.type === 'C-FIND-RQ') return [1, 2, 3, 4].flatMap((n) => pending(ctx, rq.messageId, n));
      if (rq.type === 'C-CANCEL-RQ') return reply(ctx, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: rq.messageIdBeingRespondedTo, status: Status.Cancel });
      return correct(rq, ctx, socket);
    };
    const { o, d, ms, abort } = await probeArchive(HOST, answer, { maxRecords: 2, ioTimeoutMs: 5000 });
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
    assert.equal(d?.find.outcome, 'success');
    assert.equal(d?.find.matches, 2);
    assert.equal(d?.find.capped, true);
    assert.equal(d?.release, 'released');
    assert.equal(abort, undefined);
    assert.equal(o.error, undefined);
    assert.ok(raises(o, 'EXP-DICOM-001'));
  });
});

describe('matches read before the exchange broke still count', () => {
  it('a peer that falls silent after three matches: the three kept when the I/O timeout ends it', async () => {
    const answer: Answer = (rq, ctx, socket) => (rq.type === 'C-FIND-RQ' ? [1, 2, 3].flatMap((n) => pending(ctx, rq.messageId, n)) : correct(rq, ctx, socket));
    const { o, d, ms, abort } = await probeArchive(HOST, answer, { maxRecords: 10, ioTimeoutMs: 500 });
    assert.ok(ms >= 450 && ms < 500 + 500, `took ${ms.toFixed(0)} ms`);
    assert.equal(o.status, 'success');
    assert.equal(d?.find.outcome, 'timeout');
    assert.equal(d?.find.matches, 3);
    assert.equal(d?.find.capped, false);
    assert.deepEqual(o.exposure.studies, { n: 3, atLeast: true });
    assert.equal(o.inventory?.records, 3);
    assert.equal(o.error?.code, 'io-timeout');
    assert.deepEqual(abort, USER_ABORT);
    assert.ok(raises(o, 'EXP-DICOM-001'));
    assert.equal(isExposed(o), true);
  });

  it('a peer that aborts after two matches: the two kept, the finding raised', async () => {
    const answer: Answer = (rq, ctx, socket) =>
      rq.type === 'C-FIND-RQ' ? [...pending(ctx, rq.messageId, 1), ...pending(ctx, rq.messageId, 2), { type: 'A-ABORT', source: 2, reason: 0 }] : correct(rq, ctx, socket);
    const { o, d } = await probeArchive(HOST, answer, { maxRecords: 10, ioTimeoutMs: 5000 });
    assert.equal(d?.find.outcome, 'aborted');
    assert.equal(d?.find.matches, 2);
    assert.equal(o.exposure.studies?.n, 2);
    assert.ok(raises(o, 'EXP-DICOM-001'));
    assert.equal(isExposed(o), true);
  });

  it('the probe\'s deadline in the middle of a C-FIND keeps what was counted', async () => {
    // A match every 20 ms and no end: only --probe-timeout stops it, before the cap.
    const answer: Answer = (rq, ctx, socket) => {
      if (rq.type !== 'C-FIND-RQ') return correct(rq, ctx, socket);
      flood(socket, ctx, rq.messageId);
      return [];
    };
    const { o, d, ms } = await probeArchive(HOST, answer, { maxRecords: 100_000, ioTimeoutMs: 5000, probeTimeoutMs: 800 });
    assert.ok(ms < 800 + 1000, `outlived its deadline: ${ms.toFixed(0)} ms`);
    assert.equal(d?.find.outcome, 'timeout');
    assert.ok((d?.find.matches ?? 0) > 5, `matches counted: ${d?.find.matches}`);
    assert.equal(o.exposure.studies?.atLeast, true);
    assert.match(o.error?.message ?? '', /the probe ran past its 800 ms deadline/);
    assert.ok(raises(o, 'EXP-DICOM-001'));
  });
});
