/**
 * A forced garbage collection for tests: the runtime's own `gc` when the test
 * runs under --expose-gc, otherwise the same function taken from V8 after
 * turning the flag on at run time (so `npm test` needs no extra flag).
 */
import v8 from 'node:v8';
import vm from 'node:vm';

export function forceGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  v8.setFlagsFromString('--expose-gc');
  const gc: unknown = vm.runInNewContext('gc');
  if (typeof gc !== 'function') throw new Error('no way to force a garbage collection in this runtime');
  return () => void gc();
}
