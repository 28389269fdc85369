/**
 * The scanner's own deadline: a referenced timer aborting a controller. It must
 * fire whatever refers to it, through forced garbage collections (a timeout
 * signal the runtime holds weakly did not, on Node 20: nodejs/node#57736), say
 * which bound ran out, and go quietly when the work ends first.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Deadline } from '../../src/net/deadline.ts';
import { NetError } from '../../src/net/errors.ts';
import { forceGc } from './gc.ts';

/** Resolves with the signal's reason when it aborts, or with 'not aborted' after `ms`. */
function reasonWithin(signal: AbortSignal, ms: number): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('not aborted'), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(signal.reason);
    });
  });
}

describe('Deadline', () => {
  it('aborts with an io-timeout naming the bound when its time runs out', async () => {
    const d = new Deadline(50, undefined, 'the probe');
    const reason = await reasonWithin(d.signal, 1000);
    assert.ok(reason instanceof NetError);
    assert.equal(reason.code, 'io-timeout');
    assert.equal(reason.message, 'the probe ran past its 50 ms deadline');
    assert.equal(d.expired, true);
    assert.equal(d.remainingMs(), 0);
  });

  it('fires through forced garbage collections with nothing but its signal\'s listener left', async () => {
    const gc = forceGc();
    // Only the listener's promise is kept: no reference to the deadline, its controller or its timer.
    const fired = ((): Promise<unknown> => reasonWithin(new Deadline(300, new AbortController().signal).signal, 2000))();
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    const reason = await fired;
    assert.ok(reason instanceof NetError && reason.code === 'io-timeout', `the deadline did not fire: ${String(reason)}`);
  });

  it('ends with an outer stop, as an abort, without calling it expired', async () => {
    const outer = new AbortController();
    const d = new Deadline(10_000, outer.signal, 'the probe');
    outer.abort();
    const reason = await reasonWithin(d.signal, 100);
    assert.ok(reason instanceof NetError);
    assert.equal(reason.code, 'aborted');
    assert.equal(d.expired, false);
    d.end();
  });

  it('inside another, ends with the first to end and keeps the outer one\'s reason', async () => {
    const probe = new Deadline(80, undefined, 'the probe');
    const walk = probe.within(10_000, 'the walk');
    assert.ok(walk.remainingMs() <= 80, `bounded by the outer deadline: ${walk.remainingMs()} ms`);
    const reason = await reasonWithin(walk.signal, 1000);
    assert.ok(reason instanceof NetError);
    assert.equal(reason.message, 'the probe ran past its 80 ms deadline');
    assert.equal(walk.expired, false, 'the walk\'s own time had not run out');
    walk.end();

    const short = new Deadline(10_000, undefined, 'the probe').within(30, 'the walk');
    const own = await reasonWithin(short.signal, 1000);
    assert.ok(own instanceof NetError && own.message === 'the walk ran past its 30 ms deadline');
    assert.equal(short.expired, true);
  });

  it('once ended, never aborts: the work finished first', async () => {
    const outer = new AbortController();
    const d = new Deadline(30, outer.signal);
    d.end();
    outer.abort();
    assert.equal(await reasonWithin(d.signal, 120), 'not aborted');
  });
});
