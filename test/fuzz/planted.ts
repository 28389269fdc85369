/**
 * Decoders with a bug planted, for the engine's own tests: each must be found
 * by the oracle it is meant for. The dictionary token 0x42 marks the trigger.
 */
import { cap, roundTrip, threadCpuMs, type FuzzTarget } from './engine.ts';

const TRIGGER = Buffer.from([0x42]);

function planted(name: string, onTrigger: (input: Buffer) => void): FuzzTarget {
  return {
    name,
    covers: 'a planted bug',
    maxInputBytes: 256,
    dictionary: [TRIGGER],
    run(input) {
      const at = input.indexOf(0x42);
      if (at >= 0) onTrigger(input);
      return input.length > 8 ? 'ok:long' : 'ok:short';
    },
  };
}

export const TARGETS: readonly FuzzTarget[] = [
  // A read past the end the length check forgot: what Buffer throws.
  planted('throws', (input) => void input.readUInt32LE(input.length - 1)),
  planted('over-cap', (input) => cap(input.length < 64, 'more than 63 bytes with a trigger')),
  planted('round-trip', () => roundTrip(false, 'decodes differently')),
  planted('slow', () => {
    // 30 ms of this thread's own CPU time (the clock hangs are confirmed on), so a busy machine
    // that takes the core away now and then cannot make the slow input look fast.
    const until = threadCpuMs() + 30;
    while (threadCpuMs() < until);
  }),
  planted('loops', () => {
    for (;;);
  }),
  planted('sound', () => undefined),
];

export function plantedTarget(name: string): FuzzTarget {
  return TARGETS.find((t) => t.name === name)!;
}
