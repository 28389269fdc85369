import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeChallenge, decodeTargetInfo, encodeAuthenticate, encodeNegotiate, NTLM_FLAG } from '../../../src/protocols/smb/ntlmssp.ts';
import { avPair, challenge } from './fixtures.ts';

describe('NTLMSSP', () => {
  it('NEGOTIATE carries the signature, type 1 and the anonymous flag only when asked', () => {
    const anon = encodeNegotiate(true);
    assert.equal(anon.subarray(0, 8).toString('latin1'), 'NTLMSSP\0');
    assert.equal(anon.readUInt32LE(8), 1);
    assert.ok((anon.readUInt32LE(12) & NTLM_FLAG.ANONYMOUS) !== 0);
    assert.ok((encodeNegotiate(false).readUInt32LE(12) & NTLM_FLAG.ANONYMOUS) === 0);
  });

  it('CHALLENGE gives server names and OS build from the target info', () => {
    const r = decodeChallenge(challenge());
    assert.ok(r.ok);
    assert.deepEqual(r.value.targetInfo, { netbiosComputerName: 'FILESRV', netbiosDomainName: 'CLINIC', dnsComputerName: 'filesrv.clinic.test' });
    assert.equal(r.value.version, '10.0.17763');
    assert.equal(r.value.serverChallenge.toString('hex'), '0102030405060708');
  });

  it('CHALLENGE: wrong signature, wrong type, truncated and out-of-bounds target info are errors', () => {
    const c = challenge();
    const sig = Buffer.from(c);
    sig[0] = 0x41;
    assert.equal((decodeChallenge(sig) as { error: { code: string } }).error.code, 'bad-signature');
    const type = Buffer.from(c);
    type.writeUInt32LE(3, 8);
    assert.equal((decodeChallenge(type) as { error: { code: string } }).error.code, 'unexpected-type');
    for (const n of [0, 10, 30, 50]) assert.ok(!decodeChallenge(c.subarray(0, n)).ok, `truncated at ${n}`);
    const far = Buffer.from(c);
    far.writeUInt32LE(5000, 44);
    const r = decodeChallenge(far);
    assert.ok(!r.ok && r.error.field === 'TargetInfo');
  });

  it('target info: a pair longer than the buffer is an error; control characters are dropped', () => {
    const bad = Buffer.from([1, 0, 50, 0, 0x41, 0]);
    assert.ok(!decodeTargetInfo(bad).ok);
    const evil = decodeTargetInfo(avPair(1, Buffer.from('SRV\u001b[2J\u202e', 'utf16le')));
    assert.ok(evil.ok && evil.value.netbiosComputerName === 'SRV[2J');
  });

  it('AUTHENTICATE: anonymous has empty user and NT response, LM Z(1); guest names its user', () => {
    const ch = decodeChallenge(challenge());
    assert.ok(ch.ok);
    const anon = encodeAuthenticate({ kind: 'anonymous' }, ch.value);
    assert.equal(anon.readUInt32LE(8), 3);
    assert.equal(anon.readUInt16LE(12), 1); // LM length
    assert.equal(anon.readUInt16LE(20), 0); // NT length
    assert.equal(anon.readUInt16LE(36), 0); // user length
    assert.ok((anon.readUInt32LE(60) & NTLM_FLAG.ANONYMOUS) !== 0);
    const guest = encodeAuthenticate({ kind: 'guest', user: 'exposure-guest' }, ch.value);
    const userLen = guest.readUInt16LE(36);
    const userOff = guest.readUInt32LE(40);
    assert.equal(guest.subarray(userOff, userOff + userLen).toString('utf16le'), 'exposure-guest');
    assert.ok(guest.readUInt16LE(20) > 24, 'NTLMv2-shaped NT response');
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        decodeChallenge(Buffer.from(bytes));
        decodeTargetInfo(Buffer.from(bytes));
        const withSig = Buffer.concat([Buffer.from('NTLMSSP\0', 'latin1'), Buffer.from([2, 0, 0, 0]), Buffer.from(bytes)]);
        decodeChallenge(withSig);
      }),
      { numRuns: 1000 },
    );
  });
});
