/**
 * The web probes against hand-written peers on 127.0.60.20 (behaviour no real
 * server shows on demand): a port that does not speak HTTP, a QIDO-RS root
 * that pages for ever, a page that only mentions a product, a QIDO answer
 * that is not JSON. Real products are tested in test/integration/web-scan.test.ts.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createDialer } from '../../../src/net/dialer.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';
import { dicomwebProbe } from '../../../src/probes/dicomweb/index.ts';
import { Observation } from '../../../src/observation/observation.ts';
import { orthancProbe } from '../../../src/probes/orthanc/index.ts';
import { portalProbe } from '../../../src/probes/portal/index.ts';
import type { ProbeContext } from '../../../src/probes/probe.ts';
import { scopeFrom } from '../../../src/scope/policy.ts';

const HOST = '127.0.60.20';
let web: http.Server;
let webPort = 0;
let garbage: net.Server;
let garbagePort = 0;
let requests = 0;

function context(maxRecords = 250): ProbeContext {
  return {
    dialer: createDialer({ scope: scopeFrom((ip) => ip === HOST), connectTimeoutMs: 1000, maxBytesPerConnection: 16 << 20, connectionsPerSecond: 0 }),
    signal: new AbortController().signal,
    identity: { callingAeTitle: 'EXPOSURE-TEST', userAgent: 'test' },
    limits: { maxRecords, connectTimeoutMs: 1000, ioTimeoutMs: 2000, probeTimeoutMs: 20_000, maxPduBytes: 1 << 16 },
    dicom: { userAeTitles: [], useGuessList: true },
    pseudonyms: createPseudonyms(),
    web: { checkLogins: true },
  };
}

/** One study per offset, for ever: patient P<offset % 7>. */
function endlessPage(url: URL): string {
  const limit = Number(url.searchParams.get('limit') ?? '1');
  const offset = Number(url.searchParams.get('offset') ?? '0');
  return JSON.stringify(
    Array.from({ length: limit }, (_, i) => ({
      '00100010': { vr: 'PN', Value: [{ Alphabetic: `CANARY^${offset + i}` }] },
      '00100020': { vr: 'LO', Value: [`P${(offset + i) % 7}`] },
      '00201208': { vr: 'IS', Value: [3] },
    })),
  );
}

before(async () => {
  web = http.createServer((req, res) => {
    requests += 1;
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<title>How to install Orthanc Explorer and OHIF Viewer</title>');
    if (url.pathname === '/dicom-web/studies') return void res.writeHead(200, { 'content-type': 'application/dicom+json' }).end(endlessPage(url));
    if (url.pathname === '/dicomweb/studies') return void res.writeHead(200, { 'content-type': 'application/dicom+json' }).end('[{"00100010": {"vr":"PN","Value":[{"Alphabetic":"CUT');
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => web.listen(0, HOST, r));
  webPort = (web.address() as net.AddressInfo).port;
  garbage = net.createServer((s) => {
    s.on('error', () => {});
    s.end(Buffer.from([0x02, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00]));
  });
  await new Promise<void>((r) => garbage.listen(0, HOST, r));
  garbagePort = (garbage.address() as net.AddressInfo).port;
});

after(async () => {
  web.closeAllConnections();
  await new Promise((r) => web.close(r));
  await new Promise((r) => garbage.close(r));
});

describe('web probes against hostile peers', () => {
  it('a port that does not speak HTTP is not-this-protocol for all three probes', async () => {
    for (const probe of [portalProbe, orthancProbe, dicomwebProbe]) {
      const o = await probe.run({ ip: HOST, port: garbagePort }, context());
      Observation.parse(o);
      assert.equal(o.status, 'not-this-protocol', probe.id);
    }
  });

  it('a page that only mentions products is no portal', async () => {
    const o = await portalProbe.run({ ip: HOST, port: webPort }, context());
    assert.equal(o.status, 'not-this-protocol');
    assert.equal(o.product, undefined);
  });

  it('an endless QIDO-RS root is read up to --max-records and reported as "at least"', async () => {
    requests = 0;
    const o = await dicomwebProbe.run({ ip: HOST, port: webPort }, context(250));
    Observation.parse(o);
    assert.equal(o.status, 'success');
    assert.deepEqual(o.exposure.studies, { n: 250, atLeast: true });
    assert.deepEqual(o.exposure.patients, { n: 7, atLeast: true });
    assert.deepEqual(o.exposure.images, { n: 750, atLeast: true });
    assert.equal(o.details?.protocol === 'dicomweb' && o.details.qido.capped, true);
    assert.ok(requests <= 6, `${requests} requests for 250 records at 100 a page`);
    assert.ok(!JSON.stringify(o).includes('CANARY'), 'no value leaves the probe');
  });

  it('the Orthanc probe takes a server without /system for something else', async () => {
    const o = await orthancProbe.run({ ip: HOST, port: webPort }, context());
    assert.equal(o.status, 'not-this-protocol');
  });
});
