import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PduFramer } from '../../../../src/protocols/dicom/ul/index.ts';
import { ALL_FIXTURES, C_ECHO_RQ_PDATA, ECHO_ASSOCIATE_AC, ECHOSCU_ASSOCIATE_RQ, hex, RELEASE_RP } from './fixtures.ts';

const FRAMES = ALL_FIXTURES.map(([, f]) => f);
const STREAM = Buffer.concat(FRAMES);

function framer(maxPduBytes = 64 * 1024): PduFramer {
  return new PduFramer({ maxPduBytes });
}

describe('PduFramer', () => {
  it('yields every frame of a stream pushed whole', () => {
    const r = framer().push(STREAM);
    assert.equal(r.error, undefined);
    assert.deepEqual(r.frames, FRAMES);
  });

  it('yields the same frames when the stream is split at every byte boundary', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      const f = framer();
      const a = f.push(STREAM.subarray(0, cut));
      const b = f.push(STREAM.subarray(cut));
      assert.equal(a.error ?? b.error, undefined, `cut at ${cut}`);
      assert.deepEqual([...a.frames, ...b.frames], FRAMES, `cut at ${cut}`);
      assert.equal(f.bufferedBytes, 0);
    }
  });

  it('yields the same frames when the stream arrives one byte at a time', () => {
    const f = framer();
    const out: Buffer[] = [];
    for (let i = 0; i < STREAM.length; i++) {
      const r = f.push(STREAM.subarray(i, i + 1));
      assert.equal(r.error, undefined);
      out.push(...r.frames);
    }
    assert.deepEqual(out, FRAMES);
  });

  it('keeps partial data between pushes and reports how much it holds', () => {
    const f = framer();
    assert.deepEqual(f.push(ECHO_ASSOCIATE_AC.subarray(0, 4)).frames, []);
    assert.equal(f.bufferedBytes, 4);
    assert.deepEqual(f.push(Buffer.alloc(0)).frames, []);
    assert.deepEqual(f.push(ECHO_ASSOCIATE_AC.subarray(4)).frames, [ECHO_ASSOCIATE_AC]);
    assert.equal(f.bufferedBytes, 0);
  });

  it('hands out frames that later pushes do not overwrite', () => {
    const f = framer(1 << 20);
    const [first] = f.push(Buffer.concat([ECHOSCU_ASSOCIATE_RQ, C_ECHO_RQ_PDATA.subarray(0, 10)])).frames;
    for (let i = 0; i < 2000; i++) f.push(RELEASE_RP); // enough to grow and replace the staging buffer
    assert.deepEqual(first, ECHOSCU_ASSOCIATE_RQ);
  });

  it('rejects an unknown first byte at once, before the header is complete', () => {
    const r = framer().push(Buffer.from('H'));
    assert.deepEqual(r.frames, []);
    assert.equal(r.error?.code, 'UNKNOWN_PDU_TYPE');
    assert.equal(r.error?.field, 'PDU type');
    assert.equal(r.error?.offset, 0);
  });

  it('returns the frames before a bad byte along with the error, at its stream offset', () => {
    const r = framer().push(Buffer.concat([RELEASE_RP, hex('00 00 00 00 00 04')]));
    assert.deepEqual(r.frames, [RELEASE_RP]);
    assert.equal(r.error?.code, 'UNKNOWN_PDU_TYPE');
    assert.equal(r.error?.offset, RELEASE_RP.length);
  });

  it('rejects a declared length above maxPduBytes as soon as the header is in', () => {
    const f = framer(16384);
    const r = f.push(hex('04 00 ff ff ff ff'));
    assert.equal(r.error?.code, 'PDU_TOO_LARGE');
    assert.equal(r.error?.field, 'PDU length');
    assert.equal(r.error?.offset, 2);
    assert.equal(f.bufferedBytes, 0);
  });

  it('accepts a length of exactly maxPduBytes and refuses one more', () => {
    const limit = C_ECHO_RQ_PDATA.length - 6;
    assert.deepEqual(framer(limit).push(C_ECHO_RQ_PDATA).frames, [C_ECHO_RQ_PDATA]);
    assert.equal(framer(limit - 1).push(C_ECHO_RQ_PDATA).error?.code, 'PDU_TOO_LARGE');
  });

  it('frames whole PDUs where they lie, and stages a split one in memory of its own', () => {
    const chunk = Buffer.allocUnsafeSlow(STREAM.length);
    STREAM.copy(chunk);
    const f = framer();
    const whole = f.push(chunk).frames;
    assert.deepEqual(whole, FRAMES);
    assert.ok(whole.every((frame) => frame.buffer === chunk.buffer), 'no copy when the chunk holds whole PDUs');

    const cut = 3;
    f.push(ECHO_ASSOCIATE_AC.subarray(0, cut));
    const [split] = f.push(ECHO_ASSOCIATE_AC.subarray(cut)).frames;
    assert.deepEqual(split, ECHO_ASSOCIATE_AC);
    // Staged in a buffer of its own: a slice of Node's shared pool would hold a whole slab as long as the frame lives.
    assert.notEqual(split!.buffer, Buffer.allocUnsafe(1).buffer);
    assert.equal(f.bufferedBytes, 0);
  });

  it('stays failed after an error', () => {
    const f = framer();
    const first = f.push(hex('ff'));
    const again = f.push(RELEASE_RP);
    assert.deepEqual(again.frames, []);
    assert.equal(again.error, first.error);
    assert.equal(f.failure, first.error);
  });

  it('validates its options up front', () => {
    assert.throws(() => new PduFramer({ maxPduBytes: -1 }), RangeError);
    assert.throws(() => new PduFramer({ maxPduBytes: 2 ** 32 }), RangeError);
    assert.throws(() => new PduFramer({ maxPduBytes: 1.5 }), RangeError);
  });
});
