import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeCommandSet, CommandElement } from '../../../../src/protocols/dicom/dimse/command-set.ts';
import { MessageAssembler } from '../../../../src/protocols/dicom/dimse/fragment.ts';
import { encodeCommand } from '../../../../src/protocols/dicom/dimse/messages.ts';
import { checkResponse, dimseErrorCode, type ExpectedResponse } from '../../../../src/protocols/dicom/dimse/response.ts';
import { Status } from '../../../../src/protocols/dicom/dimse/status.ts';
import { UID } from '../../../../src/protocols/dicom/uids.ts';
import { C_FIND_RQ } from './fixtures.ts';

const ECHO: ExpectedResponse<'C-ECHO-RSP'> = { type: 'C-ECHO-RSP', messageId: 1, contextId: 1 };
const FIND: ExpectedResponse<'C-FIND-RSP'> = { type: 'C-FIND-RSP', messageId: 7, contextId: 3 };

const echoRsp = (id: number) => encodeCommand({ type: 'C-ECHO-RSP', messageIdBeingRespondedTo: id, affectedSopClassUid: UID.verification, status: Status.Success });
const findRsp = (id: number, status: number) => encodeCommand({ type: 'C-FIND-RSP', messageIdBeingRespondedTo: id, affectedSopClassUid: UID.studyRootFind, status });

/** A command set with the given fields as US, for answers our encoder would never write. */
function rawCommand(fields: ReadonlyArray<readonly [number, number]>): Buffer {
  return encodeCommandSet(fields.map(([tag, value]) => ({ tag, vr: 'US' as const, value })));
}

function errorOf(r: ReturnType<typeof checkResponse>): { code: string; message: string } {
  assert.ok(!r.ok, 'expected the check to fail');
  return r.error;
}

describe('checkResponse', () => {
  it('takes the C-ECHO-RSP to our message on our context', () => {
    const r = checkResponse(ECHO, 1, echoRsp(1));
    assert.ok(r.ok && r.value.type === 'C-ECHO-RSP' && r.value.status === Status.Success);
  });

  it('takes pending and final C-FIND-RSPs to our message, before and after a C-CANCEL alike', () => {
    for (const status of [Status.Pending, Status.PendingWarning, Status.Success, Status.Cancel, Status.UnableToProcess]) {
      const r = checkResponse(FIND, 3, findRsp(7, status));
      assert.ok(r.ok && r.value.type === 'C-FIND-RSP' && r.value.status === status, `status ${status}`);
    }
  });

  it('refuses another command field, named when known and in hex when not', () => {
    const known = errorOf(checkResponse(ECHO, 1, findRsp(1, Status.Success)));
    assert.equal(known.code, 'UNEXPECTED_DIMSE');
    assert.equal(known.message, 'answered C-ECHO-RQ (message 1) with C-FIND-RSP (8020H), not C-ECHO-RSP (8030H)');
    const storeRsp = rawCommand([[CommandElement.CommandField, 0x8001], [CommandElement.MessageIDBeingRespondedTo, 1], [CommandElement.CommandDataSetType, 0x0101], [CommandElement.Status, 0]]);
    const unknown = errorOf(checkResponse(ECHO, 1, storeRsp));
    assert.equal(unknown.code, 'UNEXPECTED_DIMSE');
    assert.match(unknown.message, /command field 8001H, not C-ECHO-RSP/);
    // A request where a response is due is no answer either.
    assert.equal(errorOf(checkResponse(FIND, 3, C_FIND_RQ)).code, 'UNEXPECTED_DIMSE');
  });

  it('refuses a response to another message id', () => {
    const e = errorOf(checkResponse(FIND, 3, findRsp(8, Status.Pending)));
    assert.equal(e.code, 'UNEXPECTED_DIMSE');
    assert.equal(e.message, 'answered C-FIND-RQ (message 7) with a C-FIND-RSP responding to message 8');
    assert.equal(errorOf(checkResponse(ECHO, 1, echoRsp(0))).code, 'UNEXPECTED_DIMSE');
  });

  it('refuses a response on another presentation context than the request', () => {
    const e = errorOf(checkResponse(ECHO, 3, echoRsp(1)));
    assert.equal(e.code, 'UNEXPECTED_DIMSE');
    assert.match(e.message, /on presentation context 3, not 1/);
  });

  it('refuses a C-ECHO-RSP that announces a dataset (PS3.7 9.3.5.2)', () => {
    const withDataset = rawCommand([[CommandElement.CommandField, 0x8030], [CommandElement.MessageIDBeingRespondedTo, 1], [CommandElement.CommandDataSetType, 0x0001], [CommandElement.Status, 0]]);
    assert.equal(errorOf(checkResponse(ECHO, 1, withDataset)).code, 'UNEXPECTED_DIMSE');
  });

  it('calls a command set that does not decode, or lacks a mandatory field, malformed', () => {
    assert.equal(errorOf(checkResponse(ECHO, 1, Buffer.from([1, 2, 3]))).code, 'MALFORMED_DIMSE');
    const noField = rawCommand([[CommandElement.MessageIDBeingRespondedTo, 1], [CommandElement.CommandDataSetType, 0x0101]]);
    const missing = errorOf(checkResponse(ECHO, 1, noField));
    assert.equal(missing.code, 'MALFORMED_DIMSE');
    assert.match(missing.message, /^the answer to C-ECHO-RQ \(message 1\) is no command set: CommandField \(0000,0100\)/);
    const noStatus = rawCommand([[CommandElement.CommandField, 0x8030], [CommandElement.MessageIDBeingRespondedTo, 1], [CommandElement.CommandDataSetType, 0x0101]]);
    assert.equal(errorOf(checkResponse(ECHO, 1, noStatus)).code, 'MALFORMED_DIMSE');
  });

  it('never quotes a string the peer sent', () => {
    const comment = encodeCommand({ type: 'C-FIND-RSP', messageIdBeingRespondedTo: 9, status: Status.UnableToProcess, errorComment: 'SECRET-TEXT' });
    assert.doesNotMatch(errorOf(checkResponse(FIND, 3, comment)).message, /SECRET/);
  });
});

describe('dimseErrorCode', () => {
  const pdv = (isCommand: boolean, data: Buffer, contextId = 1) => ({ contextId, isCommand, isLast: true, data });
  /** The code reported for the first error the assembler meets in `pdvs`. */
  function reported(pdvs: ReturnType<typeof pdv>[], maxMessageBytes = 1000): string | undefined {
    const a = new MessageAssembler({ maxMessageBytes });
    for (const p of pdvs) {
      const step = a.push(p);
      if (step.kind === 'error') return dimseErrorCode(step.error.code);
    }
    return undefined;
  }

  it('reports fragments out of order as FRAGMENT_ORDER', () => {
    assert.equal(reported([pdv(false, Buffer.alloc(4))]), 'FRAGMENT_ORDER');
    assert.equal(reported([pdv(true, C_FIND_RQ), pdv(true, echoRsp(1))]), 'FRAGMENT_ORDER');
    assert.equal(reported([pdv(true, C_FIND_RQ), pdv(false, Buffer.alloc(4), 3)]), 'FRAGMENT_ORDER');
  });

  it('reports a bad context id, a malformed command and an oversized message with their own codes', () => {
    assert.equal(reported([pdv(true, echoRsp(1), 2)]), 'UNKNOWN_CONTEXT');
    assert.equal(reported([pdv(true, Buffer.from([1, 2, 3]))]), 'MALFORMED_DIMSE');
    assert.equal(reported([pdv(true, C_FIND_RQ), pdv(false, Buffer.alloc(64))], C_FIND_RQ.length + 10), 'DIMSE_TOO_LARGE');
  });
});
