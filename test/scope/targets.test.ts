import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addresses, countAddresses, parsePorts, parseTargets, TargetSpecError } from '../../src/scope/targets.ts';
import { checkAuthorised, OutOfScopeError, scopePolicy } from '../../src/scope/guard.ts';

describe('target specs', () => {
  it('streams addresses of ranges, CIDR blocks and single addresses', () => {
    const r = parseTargets(['127.0.0.2-127.0.0.4,127.0.1.0/31', '127.0.2.9']);
    assert.equal(countAddresses(r), 6);
    assert.deepEqual([...addresses(r)], ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.1.0', '127.0.1.1', '127.0.2.9']);
  });

  it('explains a reversed range', () => {
    assert.throws(() => parseTargets(['127.0.0.10-127.0.0.1']), (e: Error) => e instanceof TargetSpecError && /end is lower than the start/.test(e.message));
  });

  it('explains malformed specs', () => {
    assert.throws(() => parseTargets(['127.0.0.300']), /not an IPv4 address/);
    assert.throws(() => parseTargets(['10.0.0.0/33']), /prefix length/);
    assert.throws(() => parseTargets(['']), /no targets/);
  });

  it('parses port lists and ranges', () => {
    assert.deepEqual(parsePorts('104,4242, 11112,11112'), [104, 4242, 11112]);
    assert.deepEqual(parsePorts('2761-2762'), [2761, 2762]);
    assert.throws(() => parsePorts('0'), /1-65535/);
    assert.throws(() => parsePorts('http'), /not a port/);
  });
});

describe('authorisation guard', () => {
  it('accepts loopback and private space, refuses public space without an allow-list', () => {
    checkAuthorised({ targets: parseTargets(['127.0.0.0/8', '10.1.0.0/16']), allowList: [], exclude: [] });
    assert.throws(() => checkAuthorised({ targets: parseTargets(['8.8.8.0/24']), allowList: [], exclude: [] }), OutOfScopeError);
    checkAuthorised({ targets: parseTargets(['198.51.100.0/25']), allowList: parseTargets(['198.51.100.0/24']), exclude: [] });
  });

  it('refuses a range that only starts in private space', () => {
    assert.throws(() => checkAuthorised({ targets: parseTargets(['192.168.255.250-192.169.0.3']), allowList: [], exclude: [] }), OutOfScopeError);
  });

  it('lets the dialer refuse excluded and out-of-target addresses', () => {
    const p = scopePolicy({ targets: parseTargets(['127.0.0.0/24']), allowList: [], exclude: parseTargets(['127.0.0.5']) });
    assert.deepEqual(p.check('127.0.0.4'), { allowed: true });
    assert.equal(p.check('127.0.0.5').allowed, false);
    assert.equal(p.check('127.0.1.1').allowed, false);
  });
});
