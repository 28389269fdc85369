/**
 * A configuration file as text: bounded, UTF-8, no NUL, split into lines with
 * their offsets so every parser can say "line 12, column 3". Problems come
 * back as values naming what is wrong, never the bytes that are.
 */
import type { AuditLimits } from './limits.ts';

export interface ConfigText {
  readonly text: string;
  /** Offset of the first character of each line (line 1 at index 0). */
  readonly lineStarts: readonly number[];
}

export type TextResult = { readonly ok: true; readonly value: ConfigText } | { readonly ok: false; readonly problem: string };

function sizeText(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

export function tooLarge(size: number, limits: AuditLimits): string | undefined {
  return size > limits.maxFileBytes ? `is ${size} bytes, more than the ${sizeText(limits.maxFileBytes)} a configuration file may have` : undefined;
}

/** Decodes and splits one file; the first problem found is the answer. */
export function configText(bytes: Uint8Array, limits: AuditLimits): TextResult {
  const big = tooLarge(bytes.length, limits);
  if (big) return { ok: false, problem: big };
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { ok: false, problem: `holds a NUL byte at offset ${nul}: it is binary, not a configuration file` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, problem: 'is not UTF-8 text' };
  }
  const lineStarts = [0];
  let from = 0;
  for (;;) {
    const nl = text.indexOf('\n', from);
    const end = nl < 0 ? text.length : nl;
    if (end - from > limits.maxLineChars) {
      return { ok: false, problem: `line ${lineStarts.length} is longer than ${limits.maxLineChars} characters` };
    }
    if (nl < 0) break;
    from = nl + 1;
    lineStarts.push(from);
  }
  return { ok: true, value: { text, lineStarts } };
}

/** 1-based line and column of an offset. */
export function positionOf(t: ConfigText, offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = t.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((t.lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (t.lineStarts[lo] ?? 0) + 1 };
}

/** The lines without their newline; `keepCr` for vsftpd, which reads a CR before it as part of the value. */
export function linesOf(t: ConfigText, keepCr = false): string[] {
  const lines = t.text.split('\n');
  return keepCr ? lines : lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** A setting name from the file, safe to print: printable ASCII and spaces, at most 40 characters. */
export function nameText(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
