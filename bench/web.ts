/**
 * Web figures for `make bench`: QIDO-RS page parsing (pure) and the DICOMweb
 * probe end to end against an in-process node HTTP server on 127.0.60.40
 * serving 100-study pages. Printed, never asserted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDialer } from '../src/net/dialer.ts';
import { createPseudonyms } from '../src/privacy/pseudonyms.ts';
import { dicomwebProbe } from '../src/probes/dicomweb/index.ts';
import { readQidoPage } from '../src/probes/dicomweb/qido-json.ts';
import type { ProbeContext } from '../src/probes/probe.ts';
import { scopeFrom } from '../src/scope/policy.ts';
import { forEachConcurrent } from '../src/scan/pool.ts';

const HOST = '127.0.60.40';

function page(n: number, offset = 0): string {
  return JSON.stringify(
    Array.from({ length: n }, (_, i) => ({
      '00080020': { vr: 'DA', Value: ['20260101'] },
      '00080050': { vr: 'SH', Value: [`ACC${offset + i}`] },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: `SYNTH^PATIENT${offset + i}` }] },
      '00100020': { vr: 'LO', Value: [`ID${(offset + i) % 500}`] },
      '00100030': { vr: 'DA', Value: ['19700101'] },
      '00100040': { vr: 'CS', Value: ['O'] },
      '0020000D': { vr: 'UI', Value: [`2.25.${offset + i}`] },
      '00201206': { vr: 'IS', Value: [2] },
      '00201208': { vr: 'IS', Value: [40] },
    })),
  );
}

export function qidoParseFigures(): void {
  const body = Buffer.from(page(100));
  const n = 2000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) readQidoPage(body, () => {}, 100);
  const s = (performance.now() - t0) / 1000;
  console.log(`QIDO-RS page parse (100 studies, ${(body.length / 1024).toFixed(0)} KiB): ${Math.round((n * 100) / s).toLocaleString('en')} studies/s`);
}

export async function dicomwebProbeFigures(): Promise<void> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/dicom-web/studies') return void res.writeHead(404).end();
    const limit = Number(url.searchParams.get('limit'));
    const offset = Number(url.searchParams.get('offset'));
    res.writeHead(200, { 'content-type': 'application/dicom+json' }).end(page(Math.max(0, Math.min(limit, 1000 - offset)), offset));
  });
  await new Promise<void>((r) => server.listen(0, HOST, r));
  const port = (server.address() as AddressInfo).port;
  const ctx: ProbeContext = {
    dialer: createDialer({ scope: scopeFrom((ip) => ip === HOST), connectTimeoutMs: 3000, maxBytesPerConnection: 64 << 20, connectionsPerSecond: 0 }),
    signal: new AbortController().signal,
    identity: { callingAeTitle: 'EXPOSURE-BENCH', userAgent: 'bench' },
    limits: { maxRecords: 1000, connectTimeoutMs: 3000, ioTimeoutMs: 10_000, probeTimeoutMs: 60_000, maxPduBytes: 1 << 20 },
    dicom: { userAeTitles: [], useGuessList: false },
    pseudonyms: createPseudonyms(),
  };
  const total = 100;
  let ok = 0;
  const t0 = performance.now();
  await forEachConcurrent(Array.from({ length: total }, (_, i) => i), 10, async () => {
    const o = await dicomwebProbe.run({ ip: HOST, port }, ctx);
    if (o.status === 'success' && o.exposure.studies?.n === 1000) ok++;
  });
  const s = (performance.now() - t0) / 1000;
  server.closeAllConnections();
  server.close();
  console.log(`DICOMweb probe, 1,000 studies each (11 requests), against an in-process HTTP server, concurrency 10:`);
  console.log(`  ${total} probes in ${s.toFixed(2)} s = ${(total / s).toFixed(1)} probes/s, ${Math.round((total * 1000) / s).toLocaleString('en')} studies/s, ${ok} complete`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  qidoParseFigures();
  await dicomwebProbeFigures();
}
