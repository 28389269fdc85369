/**
 * `make bench`: speed and memory figures, printed, never asserted
 * (docs/benchmarks.md keeps them with their command lines).
 *
 *   node --import tsx bench/run.ts [PIECE …] [--endpoints N] [--services N] [--net 127.X]
 *
 * With no piece, all of them in turn. `--endpoints` sizes the simulated
 * fleets (10,000, the most, by default; smaller while developing);
 * `--services` the synthetic store of `million` (1,000,000 by default). Traffic goes
 * only to 127.0.0.0/8: fleets on 127.3.0.0/16 (`--net` moves them to another
 * /16 of loopback, to run beside another benchmark), the /16 sweep on 127.4.0.0/16.
 * Exposure runs compiled, as users run it (`npm run build` first).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openFileLimits } from '../src/cli/open-files.ts';
import { createBench, type Bench } from './common.ts';
import { echoPiece, qrPiece, unclaimedPiece } from './dicom.ts';
import { latencyPiece } from './latency.ts';
import { scalePiece } from './scale.ts';
import { startPiece } from './start.ts';
import { dicomwebProbeFigures, qidoParseFigures } from './web.ts';

const PIECES: Readonly<Record<string, (bench: Bench) => Promise<void>>> = {
  start: startPiece,
  echo: echoPiece,
  unclaimed: unclaimedPiece,
  qr: qrPiece,
  latency: latencyPiece,
  scale: scalePiece,
  web: async () => {
    qidoParseFigures();
    await dicomwebProbeFigures();
  },
  report: async () => (await import('./report.ts')).reportFigures(),
  million: async (bench) => (await import('./million.ts')).millionPiece(bench),
};
const MAX_ENDPOINTS = 10_000;
const MILLION = 1_000_000;
/** Ten million services: eight million synthetic hosts, an hour or so of writing. */
const MAX_SERVICES = 10 * MILLION;

function parseArgs(argv: readonly string[]): { pieces: string[]; endpoints: number; services: number; net: string } {
  const pieces: string[] = [];
  let endpoints = MAX_ENDPOINTS;
  let services = MILLION;
  let net = '127.3';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--endpoints') endpoints = Number(argv[++i]);
    else if (a === '--services') services = Number(argv[++i]);
    else if (a === '--net') net = argv[++i] ?? '';
    else if (a in PIECES) pieces.push(a);
    else throw new Error(`unknown piece "${a}": choose from ${Object.keys(PIECES).join(', ')}, or --endpoints N, --services N, --net 127.X`);
  }
  if (!Number.isInteger(endpoints) || endpoints < 20 || endpoints > MAX_ENDPOINTS) throw new Error(`--endpoints must be a whole number from 20 to ${MAX_ENDPOINTS}`);
  if (!Number.isInteger(services) || services < 1000 || services > MAX_SERVICES) throw new Error(`--services must be a whole number from 1000 to ${MAX_SERVICES}`);
  // The /16 sweep has 127.4, and 127.0 and 127.1–2 are the lab's and the tests'.
  const x = /^127\.(\d{1,3})$/.exec(net);
  if (!x || Number(x[1]) < 3 || Number(x[1]) > 255 || Number(x[1]) === 4) throw new Error(`--net must be 127.X with X from 3 to 255, not 4 (the /16 sweep's), not "${net}"`);
  return { pieces: pieces.length > 0 ? pieces : Object.keys(PIECES), endpoints, services, net };
}

const { pieces, endpoints, services, net } = parseArgs(process.argv.slice(2));
if (!existsSync(fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)))) throw new Error('dist/ is missing: run `npm run build` first');
const bench = createBench(endpoints, net, services);
const limits = openFileLimits();
console.log(`# Exposure benchmarks: ${pieces.join(', ')}; fleets of ${endpoints.toLocaleString('en')} endpoints from ${bench.fleetFirst}`);
console.log(`open-files limit here: soft ${limits?.soft ?? '?'}, hard ${limits?.hard ?? '?'} (the fleet and every child raise the soft limit to the hard one); running as ${process.getuid?.() === 0 ? 'root' : 'a user'}`);
for (const piece of pieces) {
  console.log(`\n## ${piece}`);
  await PIECES[piece]!(bench);
}
console.log('\n| what | figure |\n| --- | --- |');
for (const [what, figure] of bench.rows) console.log(`| ${what} | ${figure} |`);
