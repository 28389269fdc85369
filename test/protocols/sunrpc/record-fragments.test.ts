/**
 * Record marking (RFC 5531 11) against a peer that splits a record into
 * fragments without end: the count is capped like the length, so empty
 * fragments cannot grow a list within the byte cap.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_FRAGMENTS, RecordAssembler, RecordError } from '../../../src/protocols/sunrpc/rpc.ts';

/** A fragment header: the last-fragment bit and a length. */
function mark(length: number, last = false): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(((last ? 0x8000_0000 : 0) | length) >>> 0);
  return b;
}

describe('record marking, fragments without end', () => {
  it('refuses a record of endless empty fragments once past the cap, whatever the chunking', () => {
    const empties = Buffer.concat(Array.from({ length: MAX_FRAGMENTS + 1 }, () => mark(0)));
    const asm = new RecordAssembler(1 << 20);
    assert.throws(() => asm.push(empties), (e: unknown) => e instanceof RecordError && e.code === 'too-many-fragments');
    // One header at a time: the same bound, reached on the header past the cap.
    const slow = new RecordAssembler(1 << 20);
    let thrown: unknown;
    let pushed = 0;
    for (; pushed <= MAX_FRAGMENTS + 1 && thrown === undefined; pushed++) {
      try {
        slow.push(mark(0));
      } catch (err) {
        thrown = err;
      }
    }
    assert.ok(thrown instanceof RecordError && thrown.code === 'too-many-fragments');
    assert.equal(pushed, MAX_FRAGMENTS + 1);
  });

  it('refuses one-byte fragments past the cap well before the byte cap', () => {
    const ones = Buffer.concat(Array.from({ length: MAX_FRAGMENTS + 1 }, () => Buffer.concat([mark(1), Buffer.from('x')])));
    assert.throws(() => new RecordAssembler(1 << 20).push(ones), (e: unknown) => e instanceof RecordError && e.code === 'too-many-fragments');
  });

  it('takes a record of exactly the cap in fragments, and counts afresh for the next record', () => {
    const record = (): Buffer => Buffer.concat([...Array.from({ length: MAX_FRAGMENTS - 1 }, () => Buffer.concat([mark(1), Buffer.from('a')])), mark(1, true), Buffer.from('z')]);
    const asm = new RecordAssembler(1 << 20);
    const out = [...asm.push(record()), ...asm.push(record())];
    assert.equal(out.length, 2);
    for (const r of out) assert.equal(r.toString(), `${'a'.repeat(MAX_FRAGMENTS - 1)}z`);
  });
});
