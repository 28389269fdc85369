/** Who an export's group list lets in (src/probes/nfs/clients.ts), in closed words. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summariseClients } from '../../../src/probes/nfs/clients.ts';

describe('an export group list, summed up', () => {
  it('"*" or no group at all is everyone', () => {
    assert.deepEqual(summariseClients(['*'], 1, '192.0.2.9'), { clients: 'everyone', scannerListed: 'yes' });
    assert.deepEqual(summariseClients(['10.0.0.1', ' * '], 2, '192.0.2.9'), { clients: 'everyone', scannerListed: 'yes' });
    assert.deepEqual(summariseClients([], 0, undefined), { clients: 'everyone', scannerListed: 'yes' });
  });

  it('an address or a network holding the scanner is "yes", in prefix or dotted-mask form', () => {
    assert.equal(summariseClients(['192.0.2.9'], 1, '192.0.2.9').scannerListed, 'yes');
    assert.equal(summariseClients(['192.0.2.0/24'], 1, '192.0.2.9').scannerListed, 'yes');
    assert.equal(summariseClients(['192.0.0.0/255.255.0.0'], 1, '::ffff:192.0.2.9').scannerListed, 'yes');
    assert.equal(summariseClients(['0.0.0.0/0'], 1, '192.0.2.9').scannerListed, 'yes');
  });

  it('addresses and networks elsewhere are "no"; names, netgroups and odd masks only the server can judge', () => {
    assert.deepEqual(summariseClients(['10.0.0.0/8', '192.0.3.7'], 2, '192.0.2.9'), { clients: 'listed', scannerListed: 'no' });
    assert.equal(summariseClients(['@pacs'], 1, '192.0.2.9').scannerListed, 'unknown');
    assert.equal(summariseClients(['*.example.org'], 1, '192.0.2.9').scannerListed, 'unknown');
    assert.equal(summariseClients(['10.0.0.0/255.0.255.0'], 1, '192.0.2.9').scannerListed, 'unknown');
    assert.equal(summariseClients(['10.0.0.0/8'], 1, undefined).scannerListed, 'unknown');
  });

  it('groups past the cap could name the scanner: "no" becomes "unknown"', () => {
    assert.equal(summariseClients(['10.0.0.0/8'], 500, '192.0.2.9').scannerListed, 'unknown');
  });
});
