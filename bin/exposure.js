#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (`npm run build`, done by `make` and by `npm install`):
// no TypeScript is transpiled at start. Development and tests may run the sources with
// `node --import tsx src/cli/main.ts` (docs/decisions/0005-compiled-javascript.md).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('exposure: dist/ is missing: run `npm run build` (or `make`) in the project folder first\n');
  process.exit(2);
}
await import(main.href);
