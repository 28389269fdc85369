import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodePdu, encodePdu, UlEncodeError, type AAssociateAc, type AAssociateRq, type Pdu, type UlDecodeError } from '../../../../src/protocols/dicom/ul/index.ts';
import { UID } from '../../../../src/protocols/dicom/uids.ts';
import {
  ALL_FIXTURES,
  C_ECHO_RQ_PDATA,
  CALLED_AE_REJECT,
  ECHO_ASSOCIATE_AC,
  ECHOSCU_ASSOCIATE_RQ,
  hex,
  PROVIDER_ABORT,
  RELEASE_RP,
  RELEASE_RQ,
} from './fixtures.ts';

function decoded(frame: Buffer): Pdu {
  const r = decodePdu(frame);
  if (!r.ok) assert.fail(`expected a PDU, got ${r.error.message}`);
  return r.value;
}

function failure(frame: Buffer): UlDecodeError {
  const r = decodePdu(frame);
  if (r.ok) assert.fail(`expected an error, got ${r.value.type}`);
  return r.error;
}

const DCMTK_USER_INFO = { maxLength: 16384, implementationClassUid: '1.2.276.0.7230010.3.0.3.6.8', implementationVersionName: 'OFFIS_DCMTK_368' };

const ECHOSCU_RQ: AAssociateRq = {
  type: 'A-ASSOCIATE-RQ',
  protocolVersion: 1,
  calledAeTitle: 'ANY-SCP',
  callingAeTitle: 'ECHOSCU',
  applicationContextName: UID.applicationContext,
  presentationContexts: [{ id: 1, abstractSyntax: UID.verification, transferSyntaxes: [UID.implicitVrLittleEndian] }],
  userInformation: DCMTK_USER_INFO,
};

const ECHO_AC: AAssociateAc = {
  type: 'A-ASSOCIATE-AC',
  protocolVersion: 1,
  calledAeTitle: 'ANY-SCP',
  callingAeTitle: 'ECHOSCU',
  applicationContextName: UID.applicationContext,
  presentationContexts: [{ id: 1, result: 0, transferSyntax: UID.implicitVrLittleEndian }],
  userInformation: DCMTK_USER_INFO,
};

describe('PDU fixtures', () => {
  it("decodes echoscu's A-ASSOCIATE-RQ and encodes it back byte for byte", () => {
    assert.deepEqual(decoded(ECHOSCU_ASSOCIATE_RQ), ECHOSCU_RQ);
    assert.deepEqual(encodePdu(ECHOSCU_RQ), ECHOSCU_ASSOCIATE_RQ);
  });

  it('decodes the A-ASSOCIATE-AC accepting Verification and encodes it back', () => {
    assert.deepEqual(decoded(ECHO_ASSOCIATE_AC), ECHO_AC);
    assert.deepEqual(encodePdu(ECHO_AC), ECHO_ASSOCIATE_AC);
  });

  it('decodes RJ, P-DATA-TF, release and abort fixtures', () => {
    assert.deepEqual(decoded(CALLED_AE_REJECT), { type: 'A-ASSOCIATE-RJ', result: 1, source: 1, reason: 7 });
    assert.deepEqual(decoded(RELEASE_RQ), { type: 'A-RELEASE-RQ' });
    assert.deepEqual(decoded(RELEASE_RP), { type: 'A-RELEASE-RP' });
    assert.deepEqual(decoded(PROVIDER_ABORT), { type: 'A-ABORT', source: 2, reason: 2 });
    const pdata = decoded(C_ECHO_RQ_PDATA);
    assert.equal(pdata.type, 'P-DATA-TF');
    assert.equal(pdata.pdvs.length, 1);
    const [pdv] = pdata.pdvs;
    assert.equal(pdv?.contextId, 1);
    assert.equal(pdv?.isCommand, true);
    assert.equal(pdv?.isLast, true);
    assert.deepEqual(pdv?.data, C_ECHO_RQ_PDATA.subarray(12));
  });

  it('re-encodes every fixture to the same bytes', () => {
    for (const [name, frame] of ALL_FIXTURES) assert.deepEqual(encodePdu(decoded(frame)), frame, name);
  });
});

describe('PDU round trips', () => {
  const pdus: Pdu[] = [
    ECHOSCU_RQ,
    ECHO_AC,
    {
      type: 'A-ASSOCIATE-AC',
      protocolVersion: 1,
      calledAeTitle: 'PACS',
      callingAeTitle: 'EXPOSURE',
      applicationContextName: UID.applicationContext,
      presentationContexts: [{ id: 1, result: 0, transferSyntax: UID.explicitVrLittleEndian }, { id: 3, result: 3 }, { id: 5, result: 4 }],
      userInformation: { maxLength: 0, unknownSubItems: [{ itemType: 0x54, length: 23 }] },
    },
    { type: 'A-ASSOCIATE-RJ', result: 2, source: 3, reason: 1 },
    { type: 'P-DATA-TF', pdvs: [] },
    {
      type: 'P-DATA-TF',
      pdvs: [
        { contextId: 1, isCommand: true, isLast: true, data: Buffer.from([1, 2, 3]) },
        { contextId: 3, isCommand: false, isLast: false, data: Buffer.alloc(0) },
        { contextId: 255, isCommand: false, isLast: true, data: Buffer.alloc(300, 7) },
      ],
    },
    { type: 'A-RELEASE-RQ' },
    { type: 'A-RELEASE-RP' },
    { type: 'A-ABORT', source: 0, reason: 0 },
  ];
  for (const pdu of pdus) {
    it(`round-trips ${pdu.type}`, () => assert.deepEqual(decoded(encodePdu(pdu)), pdu));
  }

  it('defaults the protocol version to 1 and an absent user information item to {}', () => {
    const rq = decoded(encodePdu({ type: 'A-ASSOCIATE-RQ', calledAeTitle: 'A', callingAeTitle: 'B', applicationContextName: UID.applicationContext, presentationContexts: [], userInformation: {} }));
    assert.equal(rq.type === 'A-ASSOCIATE-RQ' && rq.protocolVersion, 1);
    assert.deepEqual(rq.type === 'A-ASSOCIATE-RQ' && rq.userInformation, {});
  });
});

describe('PDU fields', () => {
  it('pads AE titles with spaces to 16 bytes and trims them (and NUL padding) when decoded', () => {
    const frame = encodePdu({ ...ECHOSCU_RQ, calledAeTitle: 'ORTHANC', callingAeTitle: 'A B' });
    assert.equal(frame.toString('latin1', 10, 26), 'ORTHANC         ');
    frame.write(' NULPAD\0\0\0\0\0\0\0\0\0', 26, 'latin1');
    const rq = decoded(frame);
    assert.equal(rq.type === 'A-ASSOCIATE-RQ' && rq.calledAeTitle, 'ORTHANC');
    assert.equal(rq.type === 'A-ASSOCIATE-RQ' && rq.callingAeTitle, 'NULPAD');
  });

  it('trims UIDs of trailing NUL and space padding', () => {
    const frame = hex(`
      02 00 00 00 00 62  00 01 00 00                      // A-ASSOCIATE-AC, length 98, version 1
      41 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20     // 'A'
      42 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20     // 'B'
      00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      10 00 00 06 31 2e 32 2e 33 00                       // application context '1.2.3' + NUL
      21 00 00 0c 01 00 00 00                             // context 1 accepted
      40 00 00 04 31 2e 32 20                             //   transfer syntax '1.2' + space
      50 00 00 00                                         // empty user information
    `);
    assert.deepEqual(decoded(frame), {
      type: 'A-ASSOCIATE-AC', protocolVersion: 1, calledAeTitle: 'A', callingAeTitle: 'B', applicationContextName: '1.2.3',
      presentationContexts: [{ id: 1, result: 0, transferSyntax: '1.2' }], userInformation: {},
    });
  });

  it('keeps only type and length of sub-items it does not interpret (user identity carries a password)', () => {
    const frame = hex(`
      01 00 00 00 00 62  00 01 00 00                      // A-ASSOCIATE-RQ, length 98, version 1
      41 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20     // called 'A'
      42 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20     // calling 'B'
      00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      10 00 00 01 31                                      // application context '1'
      50 00 00 15                                         // user information, length 21
      58 00 00 11                                         //   user identity RQ (D.3.3.7), length 17
      02 00                                               //     type 2 username and passcode, no response requested
      00 05 61 6c 69 63 65                                //     username 'alice'
      00 06 73 33 63 72 33 74                             //     passcode 's3cr3t'
    `);
    const rq = decoded(frame);
    assert.deepEqual(rq.type === 'A-ASSOCIATE-RQ' && rq.userInformation, { unknownSubItems: [{ itemType: 0x58, length: 17 }] });
    assert.doesNotMatch(JSON.stringify(rq), /alice|s3cr3t/);
  });

  it('skips item types PS3.8 does not define for the PDU', () => {
    const frame = Buffer.concat([ECHOSCU_ASSOCIATE_RQ, hex('77 00 00 02 ab cd')]);
    frame.writeUInt32BE(frame.length - 6, 2);
    assert.deepEqual(decoded(frame), ECHOSCU_RQ);
  });

  it('refuses to encode values the wire cannot carry', () => {
    const tooLong = (): Buffer => encodePdu({ ...ECHOSCU_RQ, calledAeTitle: 'SEVENTEEN-CHARS-X' });
    assert.throws(tooLong, (e: unknown) => e instanceof UlEncodeError && e.code === 'TOO_LONG' && e.field === 'called AE title');
    assert.throws(() => encodePdu({ type: 'A-ABORT', source: 256, reason: 0 }), (e: unknown) => e instanceof UlEncodeError && e.code === 'OUT_OF_RANGE');
    assert.throws(
      () => encodePdu({ ...ECHOSCU_RQ, userInformation: { unknownSubItems: [{ itemType: 0x51, length: 4 }] } }),
      (e: unknown) => e instanceof UlEncodeError && e.code === 'INVALID_VALUE',
    );
  });
});

describe('malformed and truncated PDUs', () => {
  it('returns an error naming a field for every truncation of every fixture', () => {
    for (const [name, frame] of ALL_FIXTURES) {
      for (let cut = 0; cut < frame.length; cut++) {
        const error = failure(frame.subarray(0, cut));
        assert.equal(error.code, 'TRUNCATED', `${name} cut at ${cut}: ${error.message}`);
        assert.ok(error.field.length > 0, `${name} cut at ${cut}`);
        assert.ok(error.offset <= cut, `${name} cut at ${cut}: offset ${error.offset}`);
      }
    }
  });

  it('names the exact field where a truncated A-ASSOCIATE-RQ stops', () => {
    assert.equal(failure(ECHOSCU_ASSOCIATE_RQ.subarray(0, 0)).field, 'PDU type');
    assert.equal(failure(ECHOSCU_ASSOCIATE_RQ.subarray(0, 3)).field, 'PDU length');
    assert.equal(failure(ECHOSCU_ASSOCIATE_RQ.subarray(0, 20)).field, 'called AE title');
    assert.equal(failure(ECHOSCU_ASSOCIATE_RQ.subarray(0, 101)).field, 'presentation context item length');
    assert.equal(failure(ECHOSCU_ASSOCIATE_RQ.subarray(0, 115)).field, 'abstract syntax name');
    assert.equal(failure(ECHOSCU_ASSOCIATE_RQ.subarray(0, 159)).field, 'maximum length received');
  });

  it('rejects an unknown PDU type', () => {
    const e = failure(hex('08 00 00 00 00 00'));
    assert.deepEqual([e.code, e.field, e.offset], ['UNKNOWN_PDU_TYPE', 'PDU type', 0]);
    assert.equal(failure(Buffer.from('HTTP/1.1 400 Bad Request\r\n')).code, 'UNKNOWN_PDU_TYPE');
  });

  it('rejects a protocol version without bit 0', () => {
    const frame = Buffer.from(ECHOSCU_ASSOCIATE_RQ);
    frame.writeUInt16BE(0x0002, 6);
    assert.deepEqual(pick(failure(frame)), ['BAD_PROTOCOL_VERSION', 'protocol version', 6]);
  });

  it('rejects an item length running past its PDU', () => {
    const frame = Buffer.from(ECHOSCU_ASSOCIATE_RQ);
    frame.writeUInt16BE(0xffff, 101); // presentation context item length
    assert.deepEqual(pick(failure(frame)), ['BAD_ITEM_LENGTH', 'presentation context item length', 101]);
  });

  it('rejects a sub-item length running past its item', () => {
    const frame = Buffer.from(ECHOSCU_ASSOCIATE_RQ);
    frame.writeUInt16BE(0x0030, 109); // abstract syntax sub-item length 48 > 38 left in the context
    assert.deepEqual(pick(failure(frame)), ['BAD_ITEM_LENGTH', 'abstract syntax sub-item length', 109]);
  });

  it('rejects a maximum length sub-item that is not 4 bytes long', () => {
    const frame = hex(`
      02 00 00 00 00 52  00 01 00 00                      // A-ASSOCIATE-AC, length 82, version 1
      41 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20  42 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20
      00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      10 00 00 01 31                                      // application context '1'
      50 00 00 05  51 00 00 01 ff                         // maximum length sub-item of length 1
    `);
    assert.deepEqual(pick(failure(frame)), ['BAD_ITEM_LENGTH', 'maximum length sub-item length', 85]);
  });

  it('rejects a PDU length that disagrees with the frame or the fixed layout', () => {
    assert.deepEqual(pick(failure(Buffer.concat([RELEASE_RQ, hex('00')]))), ['BAD_PDU_LENGTH', 'PDU length', 2]);
    assert.deepEqual(pick(failure(hex('03 00 00 00 00 05 00 01 01 07 00'))), ['BAD_PDU_LENGTH', 'PDU length', 2]);
    assert.deepEqual(pick(failure(hex('01 00 00 00 00 04 00 01 00 00'))), ['BAD_PDU_LENGTH', 'called AE title', 10]);
  });

  it('requires an application context item and an abstract syntax per proposed context', () => {
    const noContext = hex(`
      01 00 00 00 00 48  00 01 00 00                      // A-ASSOCIATE-RQ, length 72, version 1
      41 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20  42 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20
      00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      50 00 00 00                                         // only an empty user information item
    `);
    assert.deepEqual(pick(failure(noContext)), ['MISSING_ITEM', 'application context item', 78]);
    const noAbstract = Buffer.from(ECHOSCU_ASSOCIATE_RQ);
    noAbstract.writeUInt8(0x77, 107); // the abstract syntax sub-item becomes an unknown one
    assert.deepEqual(pick(failure(noAbstract)), ['MISSING_ITEM', 'abstract syntax sub-item', 99]);
  });

  it('rejects a PDV item shorter than its two header bytes', () => {
    assert.deepEqual(pick(failure(hex('04 00 00 00 00 05  00 00 00 01 01'))), ['BAD_ITEM_LENGTH', 'presentation data value item length', 6]);
  });

  it('does not trust a huge declared length: a 4 GiB P-DATA-TF of 10 bytes is truncated', () => {
    const e = failure(hex('04 00 ff ff ff ff  ff ff ff f0 01 03'));
    assert.equal(e.code, 'TRUNCATED');
  });

  it('keeps field contents out of error messages', () => {
    const e = failure(ECHOSCU_ASSOCIATE_RQ.subarray(0, 40));
    assert.doesNotMatch(e.message, /ECHOSCU/);
  });
});

function pick(e: UlDecodeError): [string, string, number] {
  return [e.code, e.field, e.offset];
}
