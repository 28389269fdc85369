#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (`npm run build`, done by `make` and by `npm install`):
// no TypeScript is transpiled at start. Development and tests may run the sources with
// `node --import tsx src/cli/main.ts` (docs/decisions/0005-compiled-javascript.md).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Maintained Node lines only (docs/decisions/0050-maintained-node.md). On an older node, the
// project's own runtime (.runtime/node, installed by `make`) runs us instead, if it is there.
const SUPPORTED_MAJORS = [22, 24];
/** Commands that read whole runs (not scan): run with a small young generation and a heap that grows by halves. */
const LEAN_COMMANDS = ['report', 'diff', 'merge'];
const LEAN_V8_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=50'];
/** glibc's allocator for those commands: two arenas, and blocks of 128 KiB or more mapped and unmapped at once. */
const LEAN_MALLOC_TUNABLES = 'glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=131072';
if (!SUPPORTED_MAJORS.includes(Number(process.versions.node.split('.')[0]))) {
  const runtime = fileURLToPath(new URL('../.runtime/node/bin/node', import.meta.url));
  if (!existsSync(runtime)) {
    process.stderr.write(`exposure: Node ${process.versions.node} is not supported (use Node 22 or 24; \`make\` installs Node 24 into .runtime/node)\n`);
    process.exit(2);
  }
  rerun(runtime, []);
} else {
  const main = new URL('../dist/cli/main.js', import.meta.url);
  if (!existsSync(fileURLToPath(main))) {
    process.stderr.write('exposure: dist/ is missing: run `npm run build` (or `make`) in the project folder first\n');
    process.exit(2);
  }
  const command = process.argv[2];
  if (LEAN_COMMANDS.includes(command) && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
    // Commands that read a whole run allocate many short-lived objects a page at a time; V8 lets
    // its young generation grow to 3 × 64 MB on a large machine before it collects, which alone
    // would cost a report more than its pages do. A small young generation keeps their memory
    // flat at any run size (docs/benchmarks.md) for a little more collecting; a scan keeps V8's default.
    // The old generation may grow to four times what it held at its last collection: taken while a
    // report's tables were still held, that let it reach 150 MB before the next; by halves it stays
    // near what it holds. And glibc, by default, gives each thread an arena and keeps freed blocks of
    // up to 32 MB for reuse: over a million services that alone held some 35 MB.
    const tunables = [LEAN_MALLOC_TUNABLES, process.env.GLIBC_TUNABLES].filter(Boolean).join(':');
    rerun(process.execPath, [], { GLIBC_TUNABLES: tunables }, undefined, LEAN_V8_FLAGS);
  } else {
    await startMain(main);
  }
}

async function startMain(main) {
  // A scan holds a file descriptor per connection in flight; Node cannot raise its
  // own limit, so when the soft limit is too low for --concurrency and the hard
  // limit allows more, this runs once more under the shell's `ulimit -n`
  // (dist/cli/open-files.js decides; only `scan` that sends is checked).
  const { openFilesPlan, tooLowLine, RAISED_MARKER } = await import(new URL('../dist/cli/open-files.js', import.meta.url).href);
  const plan = openFilesPlan(process.argv.slice(2), process.env);
  if (plan?.decision.kind === 'raise') {
    rerun(process.execPath, [`ulimit -n ${plan.decision.to} 2>/dev/null`], { [RAISED_MARKER]: '1' }, () => import(main.href));
  } else {
    if (plan?.decision.kind === 'too-low') process.stderr.write(tooLowLine(plan.decision, plan.pace));
    await import(main.href);
  }
}

/**
 * Runs this script once more with `node` after the shell commands in `before`,
 * passing signals on once and exiting as the child does. The child gets its own
 * session: a Ctrl-C from the terminal reaches this process only, and is passed on
 * once, as is a signal sent to this process alone (two SIGINTs would stop a scan at once).
 */
function rerun(node, before, env = {}, fallback, nodeArgs = []) {
  const script = [...before, 'exec "$0" "$@"'].join('; ');
  const child = spawn('/bin/sh', ['-c', script, node, ...process.execArgv, ...nodeArgs, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
    detached: true,
  });
  child.once('error', (err) => {
    if (!fallback) {
      process.stderr.write(`exposure: could not start ${node} (${err.message})\n`);
      process.exit(2);
    }
    process.stderr.write(`exposure: warning: could not raise the open-files limit (${err.message}); scanning under the current one\n`);
    void fallback();
  });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => child.kill(signal);
  for (const s of signals) process.on(s, forward);
  child.once('exit', (code, signal) => {
    for (const s of signals) process.off(s, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exitCode = code ?? 1;
  });
}
