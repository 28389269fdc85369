/**
 * The QIDO-RS reader's bounds: a page nested 100,000 levels deep, pages with
 * more datasets than asked for, and what the DICOMweb probe makes of them
 * against an in-process server on 127.0.98.2 (port 0): a malformed page is a
 * protocol error, never a success carrying a RangeError.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createDialer } from '../../../src/net/dialer.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';
import { dicomwebProbe } from '../../../src/probes/dicomweb/index.ts';
import { MAX_JSON_DEPTH, readQidoPage } from '../../../src/probes/dicomweb/qido-json.ts';
import { Observation } from '../../../src/observation/observation.ts';
import type { ProbeContext } from '../../../src/probes/probe.ts';
import { scopeFrom } from '../../../src/scope/policy.ts';

const HOST = '127.0.98.2';

/** One study whose PatientName Value holds an array nested `depth` levels deep. */
function deepStudy(depth: number): string {
  return `[{"00100010":{"vr":"PN","Value":[${'['.repeat(depth)}"X"${']'.repeat(depth)}]}}]`;
}

/** `n` studies, one patient each (synthetic). */
function studies(n: number): string {
  return JSON.stringify(Array.from({ length: n }, (_, i) => ({ '00100020': { vr: 'LO', Value: [`P${i}`] }, '00201208': { vr: 'IS', Value: [1] } })));
}

describe('QIDO-RS page reader bounds', () => {
  it('reads a page nested 100,000 levels deep as malformed, without throwing', () => {
    const r = readQidoPage(Buffer.from(deepStudy(100_000)), () => {}, 100);
    assert.deepEqual(r, { ok: false, reason: `a value is nested deeper than ${MAX_JSON_DEPTH} levels` });
  });

  it('follows nesting up to the bound', () => {
    const r = readQidoPage(Buffer.from(deepStudy(MAX_JSON_DEPTH - 2)), () => {}, 100);
    assert.ok(r.ok && r.studies[0]?.nonEmptyTags.includes('00100010'));
  });

  it('reads no more datasets than the caller has room for, and says there were more', () => {
    const ids: string[] = [];
    const r = readQidoPage(Buffer.from(studies(50)), (id) => ids.push(id), 20);
    assert.ok(r.ok);
    assert.equal(r.studies.length, 20);
    assert.equal(r.more, true);
    assert.equal(ids.length, 20, 'patients beyond the room are not even counted');
    const all = readQidoPage(Buffer.from(studies(20)), () => {}, 20);
    assert.ok(all.ok && !all.more);
  });
});

describe('the DICOMweb probe against hostile QIDO-RS pages', () => {
  let server: http.Server;
  let port = 0;
  /** What /dicom-web/studies answers to a request for `limit` from `offset`. */
  let answer: (limit: number, offset: number) => string = () => '[]';
  let requests = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/dicom-web/studies') return void res.writeHead(404).end();
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/dicom+json' }).end(answer(Number(url.searchParams.get('limit')), Number(url.searchParams.get('offset'))));
    });
    await new Promise<void>((r) => server.listen(0, HOST, r));
    port = (server.address() as net.AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  function context(maxRecords: number): ProbeContext {
    return {
      dialer: createDialer({ scope: scopeFrom((ip) => ip === HOST), connectTimeoutMs: 1000, maxBytesPerConnection: 16 << 20, connectionsPerSecond: 0 }),
      signal: new AbortController().signal,
      identity: { callingAeTitle: 'EXPOSURE-TEST', userAgent: 'test' },
      limits: { maxRecords, connectTimeoutMs: 1000, ioTimeoutMs: 2000, probeTimeoutMs: 10_000, maxPduBytes: 1 << 16 },
      dicom: { userAeTitles: [], useGuessList: true },
      pseudonyms: createPseudonyms(),
    };
  }

  async function run(maxRecords: number): Promise<Observation> {
    requests = 0;
    return Observation.parse(await dicomwebProbe.run({ ip: HOST, port }, context(maxRecords)));
  }

  it('a studies page nested 100,000 levels deep is a protocol error, not a success with a RangeError', async () => {
    // The first request (limit 1) finds the root; the counting pages are the deep ones.
    answer = (limit) => (limit === 1 ? studies(1) : deepStudy(100_000));
    const o = await run(50);
    assert.equal(o.status, 'protocol-error');
    assert.equal(o.error?.code, 'QIDO_MALFORMED');
    assert.equal(o.details?.protocol === 'dicomweb' && o.details.qido.outcome, 'malformed');
  });

  it('a server that ignores limit is read up to --max-records once, and counted as a lower bound', async () => {
    answer = () => studies(5000);
    const o = await run(250);
    assert.equal(o.status, 'success');
    assert.deepEqual(o.exposure.studies, { n: 250, atLeast: true });
    assert.deepEqual(o.exposure.patients, { n: 250, atLeast: true });
    assert.equal(requests, 2, 'the root check and one counting page: an ignored offset is not asked again');
  });

  it('a server that ignores limit but holds fewer studies than the cap is counted whole', async () => {
    answer = () => studies(150);
    const o = await run(1000);
    assert.equal(o.status, 'success');
    assert.deepEqual(o.exposure.studies, { n: 150, atLeast: false });
    assert.equal(requests, 2);
  });
});
