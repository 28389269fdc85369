import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptedContexts, pdvOutsideContexts, type PresentationDataValue } from '../../../../src/protocols/dicom/ul/index.ts';
import { UID } from '../../../../src/protocols/dicom/uids.ts';

const RQ = {
  presentationContexts: [
    { id: 1, abstractSyntax: UID.verification, transferSyntaxes: [UID.implicitVrLittleEndian] },
    { id: 3, abstractSyntax: UID.studyRootFind, transferSyntaxes: [UID.implicitVrLittleEndian] },
    { id: 5, abstractSyntax: UID.studyRootFind, transferSyntaxes: [UID.explicitVrLittleEndian] },
  ],
};

const pdv = (contextId: number, length = 4): PresentationDataValue => ({ contextId, isCommand: true, isLast: true, data: Buffer.alloc(length) });

describe('acceptedContexts (PS3.8 9.3.3.2)', () => {
  it('keeps what we proposed and the peer accepted with a transfer syntax, nothing else', () => {
    const accepted = acceptedContexts(RQ, {
      presentationContexts: [
        { id: 1, result: 0, transferSyntax: UID.implicitVrLittleEndian },
        { id: 3, result: 3 }, // abstract syntax not supported
        { id: 5, result: 0 }, // accepted without a transfer syntax: unusable
        { id: 7, result: 0, transferSyntax: UID.implicitVrLittleEndian }, // never proposed
      ],
    });
    assert.deepEqual([...accepted], [[1, UID.implicitVrLittleEndian]]);
  });

  it('keeps the first answer to a context answered twice', () => {
    const accepted = acceptedContexts(RQ, {
      presentationContexts: [
        { id: 3, result: 0, transferSyntax: UID.explicitVrLittleEndian },
        { id: 3, result: 0, transferSyntax: UID.implicitVrLittleEndian },
      ],
    });
    assert.deepEqual([...accepted], [[3, UID.explicitVrLittleEndian]]);
  });
});

describe('pdvOutsideContexts (PS3.8 9.3.5.1)', () => {
  const accepted = new Map([
    [1, UID.implicitVrLittleEndian],
    [3, UID.implicitVrLittleEndian],
  ]);

  it('passes PDVs on accepted contexts', () => {
    assert.equal(pdvOutsideContexts([pdv(1), pdv(3), pdv(1)], accepted), undefined);
  });

  it('names the first PDV on another context, with the offset of its context id in the PDU', () => {
    // PDU header 6; first item: length 4 + id + header + 10 bytes = 16; second item's id after its 4-byte length.
    const e = pdvOutsideContexts([pdv(1, 10), pdv(5), pdv(7)], accepted);
    assert.equal(e?.code, 'UNKNOWN_CONTEXT');
    assert.equal(e?.offset, 6 + 16 + 4);
    assert.equal(e?.message, 'presentation context ID at offset 26: 5 is not a context this association accepted (accepted: 1, 3)');
    assert.match(pdvOutsideContexts([pdv(1)], new Map())?.message ?? '', /accepted: none/);
  });
});
