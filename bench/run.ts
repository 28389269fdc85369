/**
 * `make bench`: speed and memory figures, printed, never asserted.
 * Traffic goes only to 127.0.0.0/8, to a simulated SCP in a child process.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createDialer } from '../src/net/dialer.ts';
import { createPseudonyms } from '../src/privacy/pseudonyms.ts';
import { dicomProbe } from '../src/probes/dicom/index.ts';
import type { ProbeContext } from '../src/probes/probe.ts';
import { dicomDetails } from '../src/probes/observation.ts';
import { scopeFrom } from '../src/scope/policy.ts';
import { forEachConcurrent } from '../src/scan/pool.ts';
import { decodePdu, encodePdu } from '../src/protocols/dicom/ul/index.ts';
import { UID } from '../src/protocols/dicom/uids.ts';
import { dicomwebProbeFigures, qidoParseFigures } from './web.ts';

const HOST = '127.0.99.1';
const PORT = 11112;

function codecFigures(): void {
  const rq = encodePdu({
    type: 'A-ASSOCIATE-RQ',
    calledAeTitle: 'ANY-SCP',
    callingAeTitle: 'EXPOSURE',
    applicationContextName: UID.applicationContext,
    presentationContexts: [
      { id: 1, abstractSyntax: UID.verification, transferSyntaxes: [UID.explicitVrLittleEndian, UID.implicitVrLittleEndian] },
      { id: 3, abstractSyntax: UID.studyRootFind, transferSyntaxes: [UID.explicitVrLittleEndian, UID.implicitVrLittleEndian] },
    ],
    userInformation: { maxLength: 65536, implementationClassUid: '1.2.3', implementationVersionName: 'X' },
  });
  const n = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) decodePdu(rq);
  const ms = performance.now() - t0;
  console.log(`A-ASSOCIATE-RQ decode: ${Math.round((n / ms) * 1000).toLocaleString('en')} PDUs/s`);
}

async function probeFigures(): Promise<void> {
  const child = fork(fileURLToPath(new URL('./sim-scp-main.ts', import.meta.url)), [HOST, String(PORT)], { execArgv: ['--import', 'tsx'] });
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  const ctx: ProbeContext = {
    dialer: createDialer({ scope: scopeFrom((ip) => ip === HOST), connectTimeoutMs: 3000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 }),
    signal: new AbortController().signal,
    identity: { callingAeTitle: 'EXPOSURE-BENCH', userAgent: 'bench' },
    limits: { maxRecords: 100, connectTimeoutMs: 3000, ioTimeoutMs: 5000, probeTimeoutMs: 30000, maxPduBytes: 1 << 20 },
    dicom: { userAeTitles: [], useGuessList: false },
    pseudonyms: createPseudonyms(),
  };
  const total = 5000;
  let ok = 0;
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const t0 = performance.now();
  await forEachConcurrent(Array.from({ length: total }, (_, i) => i), 200, async () => {
    const o = await dicomProbe.run({ ip: HOST, port: PORT }, ctx);
    if (o.status === 'success' && dicomDetails(o)?.echo.outcome === 'success' && dicomDetails(o)?.find.outcome === 'success') ok++;
    peak = Math.max(peak, process.memoryUsage().rss);
  });
  const s = (performance.now() - t0) / 1000;
  child.kill();
  console.log(`full DICOM probe (associate, C-ECHO, C-FIND, release) against one simulated SCP, concurrency 200:`);
  console.log(`  ${total} probes in ${s.toFixed(2)} s = ${Math.round(total / s)} probes/s, ${ok} complete; peak RSS ${(peak / 2 ** 20).toFixed(0)} MB`);
}

console.log('# Exposure benchmarks');
codecFigures();
await probeFigures();
qidoParseFigures();
await dicomwebProbeFigures();
await (await import('./report.ts')).reportFigures();
