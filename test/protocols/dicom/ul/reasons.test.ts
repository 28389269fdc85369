import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ABORT_SOURCE_SERVICE_PROVIDER,
  ABORT_UNEXPECTED_PDU,
  CONTEXT_TRANSFER_SYNTAXES_NOT_SUPPORTED,
  decodePdu,
  describeAbort,
  describeContextResult,
  describeReject,
  describeRejectReason,
  encodePdu,
  isRejectReason,
  REJECT_CALLED_AE_NOT_RECOGNISED,
  REJECT_CALLING_AE_NOT_RECOGNISED,
  REJECT_LOCAL_LIMIT_EXCEEDED,
  REJECT_RESULT_PERMANENT,
} from '../../../../src/protocols/dicom/ul/index.ts';
import { CALLED_AE_REJECT, PROVIDER_ABORT } from './fixtures.ts';

/** PS3.8 9.3.4: every (source, reason) the standard defines, with our text. */
const DEFINED_REJECT_REASONS: readonly [number, number, string][] = [
  [1, 1, 'no reason given'],
  [1, 2, 'application context name not supported'],
  [1, 3, 'calling AE title not recognised'],
  [1, 7, 'called AE title not recognised'],
  [2, 1, 'no reason given'],
  [2, 2, 'protocol version not supported'],
  [3, 1, 'temporary congestion'],
  [3, 2, 'local limit exceeded'],
];

describe('A-ASSOCIATE-RJ texts (PS3.8 9.3.4)', () => {
  it('decodes every defined reason of every source to its text', () => {
    for (const [source, reason, text] of DEFINED_REJECT_REASONS) {
      for (const result of [1, 2]) {
        const r = decodePdu(encodePdu({ type: 'A-ASSOCIATE-RJ', result, source, reason }));
        assert.ok(r.ok && r.value.type === 'A-ASSOCIATE-RJ');
        const described = describeReject(r.value.result, r.value.source, r.value.reason);
        assert.ok(described.endsWith(`: ${text}`), described);
        assert.match(described, result === 1 ? /^rejected \(permanent\)/ : /^rejected \(transient\)/);
      }
    }
  });

  it('describes the called-AE rejection fixture in full and matches the constant', () => {
    const r = decodePdu(CALLED_AE_REJECT);
    assert.ok(r.ok && r.value.type === 'A-ASSOCIATE-RJ');
    assert.equal(describeReject(r.value.result, r.value.source, r.value.reason), 'rejected (permanent) by DICOM UL service-user: called AE title not recognised');
    assert.equal(r.value.result, REJECT_RESULT_PERMANENT);
    assert.ok(isRejectReason(r.value, REJECT_CALLED_AE_NOT_RECOGNISED));
    assert.ok(!isRejectReason(r.value, REJECT_CALLING_AE_NOT_RECOGNISED));
  });

  it('reads a reason through its source: 2 means different things from each', () => {
    assert.equal(describeRejectReason(1, 2), 'application context name not supported');
    assert.equal(describeRejectReason(2, 2), 'protocol version not supported');
    assert.equal(describeRejectReason(3, 2), 'local limit exceeded');
    assert.ok(isRejectReason({ source: 3, reason: 2 }, REJECT_LOCAL_LIMIT_EXCEEDED));
    assert.ok(!isRejectReason({ source: 1, reason: 2 }, REJECT_LOCAL_LIMIT_EXCEEDED));
  });

  it('says which values are reserved and which are not defined at all', () => {
    for (const reason of [4, 5, 6, 8, 9, 10]) assert.equal(describeRejectReason(1, reason), `reason ${reason} (reserved in PS3.8 for source 1)`);
    assert.equal(describeRejectReason(1, 11), 'reason 11 (not defined in PS3.8 for source 1)');
    assert.equal(describeRejectReason(2, 3), 'reason 3 (not defined in PS3.8 for source 2)');
    assert.equal(describeRejectReason(3, 0), 'reason 0 (reserved in PS3.8 for source 3)');
    assert.equal(describeReject(3, 4, 1), 'result 3 (not defined in PS3.8) by source 4 (not defined in PS3.8): reason 1 (not defined in PS3.8 for source 4)');
  });
});

describe('A-ABORT texts (PS3.8 9.3.8)', () => {
  it('describes the provider abort fixture', () => {
    const r = decodePdu(PROVIDER_ABORT);
    assert.ok(r.ok && r.value.type === 'A-ABORT');
    assert.equal(r.value.source, ABORT_SOURCE_SERVICE_PROVIDER);
    assert.equal(r.value.reason, ABORT_UNEXPECTED_PDU);
    assert.equal(describeAbort(r.value.source, r.value.reason), 'aborted by DICOM UL service-provider: unexpected PDU');
  });

  it('describes every provider reason and ignores the reason of a user abort', () => {
    const expected = ['reason not specified', 'unrecognised PDU', 'unexpected PDU', 'reason 3 (reserved in PS3.8 for source 2)',
      'unrecognised PDU parameter', 'unexpected PDU parameter', 'invalid PDU parameter value', 'reason 7 (not defined in PS3.8 for source 2)'];
    expected.forEach((text, reason) => assert.equal(describeAbort(2, reason), `aborted by DICOM UL service-provider: ${text}`));
    assert.equal(describeAbort(0, 5), 'aborted by DICOM UL service-user');
    assert.equal(describeAbort(1, 0), 'aborted by source 1 (reserved in PS3.8)');
    assert.equal(describeAbort(9, 0), 'aborted by source 9 (not defined in PS3.8)');
  });
});

describe('presentation context results (PS3.8 9.3.3.2)', () => {
  it('describes results 0-4 and marks others as undefined', () => {
    assert.deepEqual([0, 1, 2, 3, 4].map(describeContextResult), [
      'acceptance',
      'user rejection',
      'no reason (provider rejection)',
      'abstract syntax not supported (provider rejection)',
      'transfer syntaxes not supported (provider rejection)',
    ]);
    assert.equal(CONTEXT_TRANSFER_SYNTAXES_NOT_SUPPORTED, 4);
    assert.equal(describeContextResult(5), 'result 5 (not defined in PS3.8)');
  });
});
