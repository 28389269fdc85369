/**
 * The fuzz inputs kept in the repository: fuzz/seeds/<target>/*.bin, valid
 * encodings written by seeds.ts, and fuzz/crashes/<target>/*.bin, each input a
 * run found failing, kept once fixed so every run and the smoke test replay it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from './engine.ts';

export const FUZZ_DIR = fileURLToPath(new URL('../../fuzz/', import.meta.url));

function readDir(dir: string): Buffer[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .map((f) => readFileSync(join(dir, f)));
}

export function seedsOf(target: string): Buffer[] {
  return readDir(join(FUZZ_DIR, 'seeds', target));
}

export function crashesOf(target: string): Buffer[] {
  return readDir(join(FUZZ_DIR, 'crashes', target));
}

/** Saves a finding's input as fuzz/crashes/<target>/<kind>-<digest>.bin; returns the path. */
export function saveFinding(f: Finding): string {
  const dir = join(FUZZ_DIR, 'crashes', f.target);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${f.kind}-${createHash('sha256').update(f.input).digest('hex').slice(0, 12)}.bin`);
  writeFileSync(file, f.input);
  return file;
}

/** Hex, 32 bytes a line, cut after `maxBytes`. */
export function hexDump(input: Buffer, maxBytes = 512): string {
  const lines: string[] = [];
  for (let at = 0; at < Math.min(input.length, maxBytes); at += 32) {
    lines.push(`  ${at.toString(16).padStart(6, '0')}  ${input.subarray(at, Math.min(at + 32, maxBytes)).toString('hex').replace(/(..)/g, '$1 ').trim()}`);
  }
  if (input.length > maxBytes) lines.push(`  … ${input.length - maxBytes} more bytes`);
  return lines.length > 0 ? lines.join('\n') : '  (empty)';
}
