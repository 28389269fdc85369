/**
 * Peers that accept the association and then answer our DIMSE requests wrongly:
 * another command, another message id, a context never accepted, fragments out of
 * order. Each must end the exchange at once with an A-ABORT — never a wait for the
 * I/O timeout — and report protocol-error with what was learned before. Each peer
 * is a small scripted acceptor on 127.0.96.1, port 0.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pdu } from '../../../src/protocols/dicom/ul/index.ts';
import { CommandElement, encodeCommandSet } from '../../../src/protocols/dicom/dimse/command-set.ts';
import { CommandField } from '../../../src/protocols/dicom/dimse/messages.ts';
import { Status } from '../../../src/protocols/dicom/dimse/status.ts';
import { except, match, pendingWithoutIdentifier, probeArchive, reply, correct, type Answer, type PeerOptions } from './scripted-archive.ts';

const HOST = '127.0.96.1';
/** Far above what any case may take: a case that waits for it fails the one-second bound. */
const IO_TIMEOUT_MS = 5000;

/** Runs the probe against a scripted archive on this file's address. */
function probe(answer: Answer, options: PeerOptions & { maxRecords?: number } = {}) {
  return probeArchive(HOST, answer, { ...options, ioTimeoutMs: IO_TIMEOUT_MS });
}

/** PS3.8 9.3.8: source 0, service user (reason not significant); source 2, provider, reason 6 invalid PDU parameter value. */
const USER_ABORT = { source: 0, reason: 0 };
const PROVIDER_INVALID_PARAMETER = { source: 2, reason: 6 };

describe('DICOM probe against peers that break DIMSE', () => {
  it('succeeds against the scripted archive when it answers correctly', async () => {
    const { o, d, types, abort } = await probe(correct);
    assert.equal(o.status, 'success');
    assert.equal(d?.echo.outcome, 'success');
    assert.equal(d?.find.outcome, 'success');
    assert.equal(d?.find.matches, 2);
    assert.deepEqual(o.exposure.studies, { n: 2, atLeast: false });
    assert.deepEqual(o.exposure.patients, { n: 2, atLeast: false });
    assert.equal(d?.release, 'released');
    assert.equal(abort, undefined);
    assert.deepEqual(types, ['A-ASSOCIATE-RQ', 'C-ECHO-RQ', 'C-FIND-RQ', 'P-DATA-TF', 'A-RELEASE-RQ']);
  });

  it('aborts at once when C-ECHO-RQ is answered with another command field', async () => {
    const { o, d, ms, types, abort } = await probe(
      except((rq, ctx) => (rq.type === 'C-ECHO-RQ' ? reply(ctx, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: rq.messageId, status: Status.Success }) : [])),
    );
    assert.ok(ms < 1000, `took ${ms} ms`);
    assert.equal(o.status, 'protocol-error');
    assert.deepEqual(o.error, { code: 'UNEXPECTED_DIMSE', message: 'answered C-ECHO-RQ (message 1) with C-FIND-RSP (8020H), not C-ECHO-RSP (8030H)', phase: 'c-echo' });
    assert.equal(d?.echo.outcome, 'protocol-error');
    // The association and the peer's identity stand.
    assert.equal(d?.acceptsAnyCalledAeTitle, true);
    assert.equal(d?.peer?.implementationVersionName, 'SCRIPTED');
    assert.equal(d?.find.outcome, 'not-attempted');
    assert.equal(d?.release, 'aborted');
    assert.deepEqual(abort, USER_ABORT);
    assert.deepEqual(types, ['A-ASSOCIATE-RQ', 'C-ECHO-RQ', 'A-ABORT']);
  });

  it('aborts at once when C-ECHO-RSP answers another message id', async () => {
    const { o, d, ms, abort } = await probe(
      except((rq, ctx) => (rq.type === 'C-ECHO-RQ' ? reply(ctx, { type: 'C-ECHO-RSP', messageIdBeingRespondedTo: rq.messageId + 1, status: Status.Success }) : [])),
    );
    assert.ok(ms < 1000, `took ${ms} ms`);
    assert.equal(o.status, 'protocol-error');
    assert.equal(o.error?.code, 'UNEXPECTED_DIMSE');
    assert.equal(d?.echo.outcome, 'protocol-error');
    assert.deepEqual(abort, USER_ABORT);
  });

  it('judges a C-ECHO-RSP that announces a dataset without waiting for it', async () => {
    // PS3.7 9.3.5.2: CommandDataSetType of a C-ECHO-RSP is 0101H; this one says 0001H (a dataset follows).
    const announcing = (id: number): Buffer =>
      encodeCommandSet([
        { tag: CommandElement.CommandField, vr: 'US', value: CommandField.CEchoRsp },
        { tag: CommandElement.MessageIDBeingRespondedTo, vr: 'US', value: id },
        { tag: CommandElement.CommandDataSetType, vr: 'US', value: 0x0001 },
        { tag: CommandElement.Status, vr: 'US', value: Status.Success },
      ]);
    const { o, ms, abort } = await probe(
      except((rq, ctx) => (rq.type === 'C-ECHO-RQ' ? [{ type: 'P-DATA-TF', pdvs: [{ contextId: ctx, isCommand: true, isLast: true, data: announcing(rq.messageId) }] }] : [])),
    );
    assert.ok(ms < 1000, `took ${ms} ms`);
    assert.equal(o.error?.code, 'UNEXPECTED_DIMSE');
    assert.match(o.error?.message ?? '', /announcing a dataset/);
    assert.deepEqual(abort, USER_ABORT);
  });

  it('answers a P-DATA on a context never accepted, or never proposed, with the provider\'s A-ABORT', async () => {
    for (const [contextId, options] of [
      [3, { rejectContexts: [3] }],
      [7, {}],
    ] as const) {
      const { o, d, ms, types, abort } = await probe(
        except((rq) => (rq.type === 'C-ECHO-RQ' ? reply(contextId, { type: 'C-ECHO-RSP', messageIdBeingRespondedTo: rq.messageId, status: Status.Success }) : [])),
        options,
      );
      assert.ok(ms < 1000, `context ${contextId}: took ${ms} ms`);
      assert.equal(o.status, 'protocol-error');
      assert.equal(o.error?.code, 'UNKNOWN_CONTEXT');
      assert.match(o.error?.message ?? '', new RegExp(`${contextId} is not a context this association accepted \\(accepted: 1.*Sta6 Evt19 → AA-8`));
      assert.equal(d?.echo.outcome, 'protocol-error');
      assert.deepEqual(abort, PROVIDER_INVALID_PARAMETER, `context ${contextId}`);
      assert.deepEqual(types, ['A-ASSOCIATE-RQ', 'C-ECHO-RQ', 'A-ABORT']);
    }
  });

  it('aborts on a dataset fragment sent before any command', async () => {
    const { o, ms, abort } = await probe(
      except((rq, ctx) => (rq.type === 'C-ECHO-RQ' ? [{ type: 'P-DATA-TF', pdvs: [{ contextId: ctx, isCommand: false, isLast: true, data: Buffer.alloc(8) }] }] : [])),
    );
    assert.ok(ms < 1000, `took ${ms} ms`);
    assert.equal(o.status, 'protocol-error');
    assert.equal(o.error?.code, 'FRAGMENT_ORDER');
    assert.deepEqual(abort, USER_ABORT);
  });

  it('keeps the matches counted before a C-FIND-RSP to another message id, as lower bounds', async () => {
    const { o, d, ms, types, abort } = await probe(
      except((rq, ctx) => {
        if (rq.type !== 'C-FIND-RQ') return [];
        return [
          ...reply(ctx, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: rq.messageId, status: Status.Pending }, match(1)),
          ...reply(ctx, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: rq.messageId, status: Status.Pending }, match(2)),
          // Judged on its command: the identifier it announces never comes, and is not waited for.
          ...pendingWithoutIdentifier(ctx, rq.messageId + 40),
        ];
      }),
    );
    assert.ok(ms < 1000, `took ${ms} ms`);
    assert.equal(o.status, 'protocol-error');
    assert.equal(o.error?.code, 'UNEXPECTED_DIMSE');
    assert.equal(o.error?.phase, 'c-find');
    assert.match(o.error?.message ?? '', /answered C-FIND-RQ \(message 2\) with a C-FIND-RSP responding to message 42/);
    assert.equal(d?.echo.outcome, 'success');
    assert.equal(d?.find.outcome, 'protocol-error');
    assert.equal(d?.find.matches, 2);
    assert.deepEqual(o.exposure.studies, { n: 2, atLeast: true });
    assert.deepEqual(o.exposure.patients, { n: 2, atLeast: true });
    assert.equal(o.inventory?.records, 2);
    assert.deepEqual(abort, USER_ABORT);
    assert.deepEqual(types, ['A-ASSOCIATE-RQ', 'C-ECHO-RQ', 'C-FIND-RQ', 'P-DATA-TF', 'A-ABORT']);
  });

  it('keeps the studies and the series counted before a SERIES-level sub-query breaks', async () => {
    const { o, d, ms, abort } = await probe(
      except((rq, ctx) => {
        if (rq.type !== 'C-FIND-RQ') return [];
        const pending = (n: number, id = rq.messageId) => reply(ctx, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: id, status: Status.Pending }, match(n, false));
        // Message 2 is the STUDY query; 3 the SERIES query under the first study.
        if (rq.messageId === 2) return [...pending(1), ...pending(2), ...reply(ctx, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: 2, status: Status.Success })];
        return [...pending(10), ...pending(11, 2)];
      }),
    );
    assert.ok(ms < 1000, `took ${ms} ms`);
    assert.equal(o.status, 'protocol-error');
    assert.equal(o.error?.code, 'UNEXPECTED_DIMSE');
    assert.match(o.error?.message ?? '', /answered C-FIND-RQ \(message 3\) with a C-FIND-RSP responding to message 2/);
    // The STUDY query itself completed: its counts are whole; the walk below it is a lower bound.
    assert.equal(d?.find.outcome, 'success');
    assert.deepEqual(o.exposure.studies, { n: 2, atLeast: false });
    assert.deepEqual(o.exposure.series, { n: 1, atLeast: true });
    assert.deepEqual(abort, USER_ABORT);
  });

  it('checks the responses after its C-CANCEL-RQ the same way', async () => {
    const { o, d, ms, types, abort } = await probe(
      except((rq, ctx) => {
        if (rq.type === 'C-FIND-RQ') return reply(ctx, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: rq.messageId, status: Status.Pending }, match(1));
        // The final response to a cancelled C-FIND, but to a message id that was never ours.
        if (rq.type === 'C-CANCEL-RQ') return reply(ctx, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: 0, status: Status.Cancel });
        return [];
      }),
      { maxRecords: 1 },
    );
    assert.ok(ms < 1000, `took ${ms} ms`);
    assert.equal(o.status, 'protocol-error');
    assert.equal(o.error?.code, 'UNEXPECTED_DIMSE');
    assert.equal(d?.find.outcome, 'protocol-error');
    assert.equal(d?.find.capped, true);
    assert.equal(d?.find.matches, 1);
    assert.deepEqual(o.exposure.studies, { n: 1, atLeast: true });
    assert.deepEqual(abort, USER_ABORT);
    assert.deepEqual(types, ['A-ASSOCIATE-RQ', 'C-ECHO-RQ', 'C-FIND-RQ', 'P-DATA-TF', 'C-CANCEL-RQ', 'A-ABORT']);
  });
});
