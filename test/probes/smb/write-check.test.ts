import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Status } from '../../../src/protocols/smb/smb2.ts';
import { createFailure } from '../../../src/probes/smb/write-check.ts';

describe('SMB write check', () => {
  it('calls a denied CREATE refused, and any other failure an error', () => {
    assert.equal(createFailure(Status.ACCESS_DENIED), 'refused');
    assert.equal(createFailure(Status.MEDIA_WRITE_PROTECTED), 'refused');
    assert.equal(createFailure(Status.OBJECT_NAME_NOT_FOUND), 'error');
    assert.equal(createFailure(0xc000007f), 'error', 'STATUS_DISK_FULL says nothing about permission');
  });
});
