import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodePdu, encodePdu, PduFramer, type Pdu, type UserInformation } from '../../../../src/protocols/dicom/ul/index.ts';
import { ALL_FIXTURES } from './fixtures.ts';

// ---------------------------------------------------------------- generators

/** Plain objects, as decodePdu builds them (fc.record may otherwise use a null prototype). */
const PLAIN = { noNullPrototype: true } as const;

const u8 = fc.integer({ min: 0, max: 0xff });
const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
/** AE titles as they survive the wire: up to 16 bytes, no leading or trailing padding. */
const aeTitle = fc.string({ unit: printable, maxLength: 16 }).filter((s) => s === s.trim());
const uid = fc.array(fc.integer({ min: 0, max: 99999 }), { minLength: 1, maxLength: 10 }).map((parts) => parts.join('.'));
const versionName = fc.string({ unit: printable, maxLength: 16 }).filter((s) => !s.endsWith(' '));
const INTERPRETED = [0x51, 0x52, 0x55];

const userInformation: fc.Arbitrary<UserInformation> = fc.record(
  {
    maxLength: fc.integer({ min: 0, max: 0xffffffff }),
    implementationClassUid: uid,
    implementationVersionName: versionName,
    unknownSubItems: fc.array(
      fc.record({ itemType: u8.filter((t) => !INTERPRETED.includes(t)), length: fc.integer({ min: 0, max: 64 }) }, PLAIN),
      { minLength: 1, maxLength: 4 },
    ),
  },
  { requiredKeys: [], noNullPrototype: true },
);

const associateFixed = {
  protocolVersion: fc.integer({ min: 0, max: 0x7fff }).map((v) => v * 2 + 1),
  calledAeTitle: aeTitle,
  callingAeTitle: aeTitle,
  applicationContextName: uid,
  userInformation,
};

const associateRq: fc.Arbitrary<Pdu> = fc.record({
  type: fc.constant('A-ASSOCIATE-RQ' as const),
  ...associateFixed,
  presentationContexts: fc.array(fc.record({ id: u8, abstractSyntax: uid, transferSyntaxes: fc.array(uid, { maxLength: 3 }) }, PLAIN), { maxLength: 4 }),
}, PLAIN);

const associateAc: fc.Arbitrary<Pdu> = fc.record({
  type: fc.constant('A-ASSOCIATE-AC' as const),
  ...associateFixed,
  presentationContexts: fc.array(fc.record({ id: u8, result: u8, transferSyntax: uid }, { requiredKeys: ['id', 'result'], noNullPrototype: true }), { maxLength: 4 }),
}, PLAIN);

const pdataTf: fc.Arbitrary<Pdu> = fc.record({
  type: fc.constant('P-DATA-TF' as const),
  pdvs: fc.array(
    fc.record({ contextId: u8, isCommand: fc.boolean(), isLast: fc.boolean(), data: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) }, PLAIN),
    { maxLength: 4 },
  ),
}, PLAIN);

const anyPdu: fc.Arbitrary<Pdu> = fc.oneof(
  associateRq,
  associateAc,
  fc.record({ type: fc.constant('A-ASSOCIATE-RJ' as const), result: u8, source: u8, reason: u8 }, PLAIN),
  pdataTf,
  fc.constant({ type: 'A-RELEASE-RQ' as const }),
  fc.constant({ type: 'A-RELEASE-RP' as const }),
  fc.record({ type: fc.constant('A-ABORT' as const), source: u8, reason: u8 }, PLAIN),
);

/** Bytes after a well-formed header, so the decoder gets past the first checks. */
const framedGarbage = fc.tuple(fc.integer({ min: 1, max: 7 }), fc.uint8Array({ maxLength: 300 })).map(([type, body]) => {
  const frame = Buffer.alloc(6 + body.length);
  frame[0] = type;
  frame.writeUInt32BE(body.length, 2);
  Buffer.from(body).copy(frame, 6);
  return frame;
});

function neverThrows(frame: Buffer): boolean {
  const r = decodePdu(frame);
  return r.ok ? typeof r.value.type === 'string' : r.error.field.length > 0 && Number.isInteger(r.error.offset);
}

// ---------------------------------------------------------------- properties

describe('PDU codec properties', () => {
  it('decode(encode(pdu)) is pdu for every PDU type', () => {
    fc.assert(
      fc.property(anyPdu, (pdu) => {
        const r = decodePdu(encodePdu(pdu));
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        assert.deepEqual(r.value, pdu);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => neverThrows(Buffer.from(bytes))), { numRuns: 5000 });
  });

  it('never throws on arbitrary bodies behind a valid header', () => {
    fc.assert(fc.property(framedGarbage, neverThrows), { numRuns: 5000 });
  });

  it('never throws on fixtures with bytes overwritten', () => {
    const fixture = fc.constantFrom(...ALL_FIXTURES.map(([, f]) => f));
    const mutated = fixture.chain((f) =>
      fc.array(fc.tuple(fc.nat({ max: f.length - 1 }), u8), { minLength: 1, maxLength: 6 }).map((edits) => {
        const copy = Buffer.from(f);
        for (const [at, value] of edits) copy[at] = value;
        return copy;
      }),
    );
    fc.assert(fc.property(mutated, neverThrows), { numRuns: 5000 });
  });

  it('frames any sequence of PDUs however the stream is chunked', () => {
    const streamAndCuts = fc.array(anyPdu, { minLength: 1, maxLength: 5 }).chain((pdus) => {
      const frames = pdus.map(encodePdu);
      const stream = Buffer.concat(frames);
      return fc.array(fc.nat({ max: stream.length }), { maxLength: 8 }).map((cuts) => ({ frames, stream, cuts: [...new Set(cuts)].sort((a, b) => a - b) }));
    });
    fc.assert(
      fc.property(streamAndCuts, ({ frames, stream, cuts }) => {
        const framer = new PduFramer({ maxPduBytes: 1 << 20 });
        const out: Buffer[] = [];
        let from = 0;
        for (const cut of [...cuts, stream.length]) {
          const r = framer.push(stream.subarray(from, cut));
          assert.equal(r.error, undefined);
          out.push(...r.frames);
          from = cut;
        }
        assert.deepEqual(out, frames);
        assert.equal(framer.bufferedBytes, 0);
      }),
      { numRuns: 500 },
    );
  });
});
