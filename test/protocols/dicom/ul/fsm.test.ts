import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  abortPdu,
  ACTIONS,
  EVENTS,
  eventForPdu,
  STATES,
  TABLE_9_10,
  transition,
  type TransitionContext,
  type UlAction,
  type UlEvent,
  type UlState,
  UlStateMachine,
} from '../../../../src/protocols/dicom/ul/index.ts';

/** Runs events from a state; returns the actions taken and the final state. */
function walk(from: UlState, events: readonly UlEvent[], context: TransitionContext = {}): { actions: UlAction[]; state: UlState } {
  const actions: UlAction[] = [];
  let state = from;
  for (const event of events) {
    const t = transition(state, event, context);
    if (!t.ok) assert.fail(t.reason);
    actions.push(t.action);
    state = t.next;
  }
  return { actions, state };
}

describe('DICOM UL state machine (PS3.8 Table 9-10)', () => {
  it('takes a requestor through connect, associate, data, release', () => {
    const { actions, state } = walk('Sta1', ['Evt1', 'Evt2', 'Evt3', 'Evt9', 'Evt10', 'Evt11', 'Evt10', 'Evt13']);
    assert.deepEqual(actions, ['AE-1', 'AE-2', 'AE-3', 'DT-1', 'DT-2', 'AR-1', 'AR-6', 'AR-3']);
    assert.equal(state, 'Sta1');
  });

  it('takes a requestor through a rejection', () => {
    assert.deepEqual(walk('Sta1', ['Evt1', 'Evt2', 'Evt4']), { actions: ['AE-1', 'AE-2', 'AE-4'], state: 'Sta1' });
  });

  it('takes a simple acceptor through accept, data, release and close', () => {
    const { actions, state } = walk('Sta1', ['Evt5', 'Evt6', 'Evt7', 'Evt10', 'Evt9', 'Evt12', 'Evt14', 'Evt17'], { role: 'acceptor' });
    assert.deepEqual(actions, ['AE-5', 'AE-6', 'AE-7', 'DT-2', 'DT-1', 'AR-2', 'AR-4', 'AR-5']);
    assert.equal(state, 'Sta1');
  });

  it('takes an acceptor through a rejection: by the user (AE-8) or by the provider (AE-6 to Sta13)', () => {
    assert.deepEqual(walk('Sta1', ['Evt5', 'Evt6', 'Evt8', 'Evt17']), { actions: ['AE-5', 'AE-6', 'AE-8', 'AR-5'], state: 'Sta1' });
    assert.deepEqual(walk('Sta2', ['Evt6'], { associateRqAcceptable: false }), { actions: ['AE-6'], state: 'Sta13' });
    assert.deepEqual(walk('Sta13', ['Evt18']), { actions: ['AA-2'], state: 'Sta1' });
  });

  it('resolves a release collision by role (AR-8)', () => {
    const requestor = walk('Sta6', ['Evt11', 'Evt12', 'Evt14', 'Evt13'], { role: 'requestor' });
    assert.deepEqual(requestor, { actions: ['AR-1', 'AR-8', 'AR-9', 'AR-3'], state: 'Sta1' });
    const acceptor = walk('Sta6', ['Evt11', 'Evt12', 'Evt13', 'Evt14', 'Evt17'], { role: 'acceptor' });
    assert.deepEqual(acceptor, { actions: ['AR-1', 'AR-8', 'AR-10', 'AR-4', 'AR-5'], state: 'Sta1' });
  });

  it('aborts on an invalid or unexpected PDU and then ignores PDUs in Sta13', () => {
    assert.deepEqual(walk('Sta6', ['Evt19']), { actions: ['AA-8'], state: 'Sta13' });
    assert.deepEqual(walk('Sta5', ['Evt6']), { actions: ['AA-8'], state: 'Sta13' });
    assert.deepEqual(walk('Sta2', ['Evt10']), { actions: ['AA-1'], state: 'Sta13' });
    assert.deepEqual(walk('Sta13', ['Evt3', 'Evt4', 'Evt10', 'Evt12', 'Evt13']), { actions: ['AA-6', 'AA-6', 'AA-6', 'AA-6', 'AA-6'], state: 'Sta13' });
    assert.deepEqual(walk('Sta13', ['Evt6', 'Evt19']), { actions: ['AA-7', 'AA-7'], state: 'Sta13' });
    assert.deepEqual(walk('Sta13', ['Evt16']), { actions: ['AA-2'], state: 'Sta1' });
  });

  it('handles peer aborts, local aborts and lost connections', () => {
    assert.deepEqual(walk('Sta5', ['Evt16']), { actions: ['AA-3'], state: 'Sta1' });
    assert.deepEqual(walk('Sta6', ['Evt15', 'Evt17']), { actions: ['AA-1', 'AR-5'], state: 'Sta1' });
    assert.deepEqual(walk('Sta4', ['Evt15']), { actions: ['AA-2'], state: 'Sta1' });
    assert.deepEqual(walk('Sta7', ['Evt17']), { actions: ['AA-4'], state: 'Sta1' });
    assert.deepEqual(walk('Sta2', ['Evt17']), { actions: ['AA-5'], state: 'Sta1' });
  });

  it('reports blank cells as values, not throws', () => {
    const t = transition('Sta1', 'Evt9');
    assert.equal(t.ok, false);
    assert.match(t.ok ? '' : t.reason, /Evt9 .* cannot occur in Sta1/);
    assert.equal(transition('Sta13', 'Evt15').ok, false);
  });

  it('has the shape of Table 9-10: 19 events x 13 states, 123 filled cells, every action used', () => {
    const rows = Object.entries(TABLE_9_10);
    assert.deepEqual(rows.map(([e]) => e), Object.keys(EVENTS));
    for (const [, row] of rows) assert.equal(row.length, Object.keys(STATES).length);
    const cells = rows.flatMap(([, row]) => row).filter((c) => c !== null);
    assert.equal(cells.length, 123);
    assert.deepEqual(new Set(cells), new Set(Object.keys(ACTIONS)));
  });

  it('maps each received PDU type to its event', () => {
    assert.deepEqual(
      (['A-ASSOCIATE-RQ', 'A-ASSOCIATE-AC', 'A-ASSOCIATE-RJ', 'P-DATA-TF', 'A-RELEASE-RQ', 'A-RELEASE-RP', 'A-ABORT'] as const).map(eventForPdu),
      ['Evt6', 'Evt3', 'Evt4', 'Evt10', 'Evt12', 'Evt13', 'Evt16'],
    );
  });

  it('keeps one association\'s state, and stays put on a blank cell', () => {
    const m = new UlStateMachine('Sta4', { role: 'requestor' });
    assert.deepEqual(m.fire('Evt2'), { ok: true, action: 'AE-2', next: 'Sta5' });
    assert.deepEqual(m.fire('Evt3'), { ok: true, action: 'AE-3', next: 'Sta6' });
    assert.equal(m.fire('Evt2').ok, false);
    assert.equal(m.state, 'Sta6');
    assert.equal(m.fire('Evt12').ok && m.state, 'Sta8');
  });

  it('builds the A-ABORT each abort action sends (PS3.8 9.3.8)', () => {
    assert.deepEqual(abortPdu('AA-1'), { type: 'A-ABORT', source: 0, reason: 0 });
    assert.deepEqual(abortPdu('AA-8'), { type: 'A-ABORT', source: 2, reason: 2 });
    assert.deepEqual(abortPdu('AA-8', 'UNKNOWN_PDU_TYPE'), { type: 'A-ABORT', source: 2, reason: 1 });
    assert.deepEqual(abortPdu('AA-7', 'BAD_ITEM_LENGTH'), { type: 'A-ABORT', source: 2, reason: 6 });
  });
});
