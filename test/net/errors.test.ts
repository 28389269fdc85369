import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { NetError, statusOfNetError, toNetError, type NetErrorCode } from '../../src/net/errors.ts';
import { isUnanswered, ProbeStatus } from '../../src/observation/observation.ts';

test('an unknown error becomes a code and a class name, never the text it carried', () => {
  const e = toNetError(new TypeError('unexpected token in "DOE^JOHN 19470312"'));
  assert.equal(e.code, 'other');
  assert.equal(e.message, 'other (TypeError)');
  assert.equal(toNetError('DOE^JOHN').message, 'other (string)');
});

const osError = (code: string): Error => Object.assign(new Error(`connect ${code} 10.0.0.1:104`), { code });

describe('precise statuses', () => {
  it('keeps each OS error its own code', () => {
    const cases: Array<[string, NetErrorCode]> = [
      ['ECONNREFUSED', 'connection-refused'],
      ['ETIMEDOUT', 'connection-timeout'],
      ['EHOSTUNREACH', 'host-unreachable'],
      ['EHOSTDOWN', 'host-unreachable'],
      ['ENETUNREACH', 'network-unreachable'],
      ['ECONNRESET', 'connection-reset'],
      ['EPIPE', 'connection-reset'],
      ['ABORT_ERR', 'aborted'],
      ['ENOTFOUND', 'dns-error'],
      ['EMFILE', 'other'],
    ];
    for (const [os, code] of cases) {
      const e = toNetError(osError(os));
      assert.deepEqual([os, e.code, e.osCode], [os, code, os]);
    }
  });

  it('maps every NetError code to one status, unreachable, reset and aborted included', () => {
    // A Record over every code: a new code fails to compile here until it has its row.
    const expected: Record<NetErrorCode, ProbeStatus> = {
      'out-of-scope': 'out-of-scope',
      'connection-refused': 'connection-refused',
      'connection-timeout': 'connection-timeout',
      'host-unreachable': 'host-unreachable',
      'network-unreachable': 'network-unreachable',
      'connection-reset': 'connection-reset',
      'io-timeout': 'io-timeout',
      aborted: 'aborted',
      'tls-error': 'handshake-error',
      closed: 'protocol-error',
      'byte-cap': 'protocol-error',
      'dns-error': 'unknown-error',
      other: 'unknown-error',
    };
    for (const [code, status] of Object.entries(expected) as Array<[NetErrorCode, ProbeStatus]>) {
      const got = statusOfNetError(new NetError(code, 'x'));
      assert.equal(got, status, code);
      assert.equal(ProbeStatus.parse(got), got);
    }
  });

  it('prefers the most telling error of an autoSelectFamily AggregateError', () => {
    const agg = (...codes: string[]): NetError => toNetError(new AggregateError(codes.map(osError)));
    assert.equal(agg('ETIMEDOUT', 'ENETUNREACH').code, 'network-unreachable');
    assert.equal(agg('ENETUNREACH', 'EHOSTUNREACH').code, 'host-unreachable');
    assert.equal(agg('EHOSTUNREACH', 'ECONNREFUSED').code, 'connection-refused');
  });

  it('says which statuses mean nothing answered the dial', () => {
    const unanswered = ProbeStatus.options.filter(isUnanswered);
    assert.deepEqual(unanswered, ['connection-refused', 'connection-timeout', 'host-unreachable', 'network-unreachable']);
  });
});
