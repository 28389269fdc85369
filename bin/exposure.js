#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (`npm run build`, done by `make` and by `npm install`):
// no TypeScript is transpiled at start. Development and tests may run the sources with
// `node --import tsx src/cli/main.ts` (docs/decisions/0005-compiled-javascript.md).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Maintained Node lines only (docs/decisions/0050-maintained-node.md). On an older node, the
// project's own runtime (.runtime/node, installed by `make`) runs us instead, if it is there.
const SUPPORTED_MAJORS = [22, 24];
const major = Number(process.versions.node.split('.')[0]);
if (!SUPPORTED_MAJORS.includes(major)) {
  const runtime = fileURLToPath(new URL('../.runtime/node/bin/node', import.meta.url));
  if (!existsSync(runtime)) {
    process.stderr.write(`exposure: Node ${process.versions.node} is not supported (use Node 22 or 24; \`make\` installs Node 24 into .runtime/node)\n`);
    process.exit(2);
  }
  const child = spawnSync(runtime, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('exposure: dist/ is missing: run `npm run build` (or `make`) in the project folder first\n');
  process.exit(2);
}
await import(main.href);
