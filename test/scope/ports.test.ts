import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePorts } from '../../src/scope/ports.ts';
import { TargetSpecError } from '../../src/scope/spec.ts';

describe('port lists', () => {
  it('parses lists and ranges, sorted and without repeats', () => {
    assert.deepEqual(parsePorts('104,4242, 11112,11112'), [104, 4242, 11112]);
    assert.deepEqual(parsePorts('2762,2761-2762'), [2761, 2762]);
    assert.deepEqual(parsePorts('65535'), [65535]);
  });

  it('refuses ports outside 1-65535, reversed ranges, names and an empty list, saying which', () => {
    assert.throws(() => parsePorts('0'), (e: Error) => e instanceof TargetSpecError && e.message === '"0" is not a port range within 1-65535');
    assert.throws(() => parsePorts('65536'), /1-65535/);
    assert.throws(() => parsePorts('443-80'), /"443-80" is not a port range/);
    assert.throws(() => parsePorts('104,http'), /"http" is not a port or port range/);
    assert.throws(() => parsePorts(' , '), /no ports given/);
  });
});
