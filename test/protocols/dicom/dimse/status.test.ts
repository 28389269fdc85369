import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Status, statusClass, statusText } from '../../../../src/protocols/dicom/dimse/status.ts';

describe('statusClass (PS3.7 Annex C)', () => {
  const cases: [number, ReturnType<typeof statusClass>][] = [
    [0x0000, 'success'],
    [0xff00, 'pending'],
    [0xff01, 'pending'],
    [0xfe00, 'cancel'],
    [0x0001, 'warning'],
    [0x0107, 'warning'],
    [0x0116, 'warning'],
    [0xb000, 'warning'],
    [0xbfff, 'warning'],
    [0xa700, 'failure'],
    [0xa900, 'failure'],
    [0xc000, 'failure'],
    [0xcfff, 'failure'],
    [0x0122, 'failure'],
    [0x0124, 'failure'],
    [0x0211, 'failure'],
    [0x0002, 'unknown'],
    [0x5000, 'unknown'],
    [0xff02, 'unknown'],
  ];
  for (const [status, cls] of cases) {
    it(`0x${status.toString(16).padStart(4, '0')} is ${cls}`, () => assert.equal(statusClass(status), cls));
  }
});

describe('statusText', () => {
  it('gives the common codes a text and the rest their class', () => {
    assert.equal(statusText(Status.OutOfResources), '0xA700 refused: out of resources');
    assert.equal(statusText(Status.SopClassNotSupported), '0x0122 refused: SOP class not supported');
    assert.equal(statusText(Status.NotAuthorized), '0x0124 refused: not authorized');
    assert.equal(statusText(0xc123), '0xC123 failed: unable to process');
    assert.equal(statusText(0xb123), '0xB123 warning');
    assert.equal(statusText(0x5000), '0x5000 unknown');
  });
});
