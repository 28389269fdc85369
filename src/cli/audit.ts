/**
 * `exposure audit CONFIG…`: reads the owner's own configuration files and
 * says which setting opens which hole, under the scan's rule ids. Reading is
 * here (bounded: regular files only, never more than the size cap); the rest
 * is audit/, pure. Exit status: 0 when nothing reaches --fail-on (critical by
 * default), 3 when something does, 2 when a file could not be audited (the
 * others are still reported) or on a usage error.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { auditConfigs, type AuditInput } from '../audit/audit.ts';
import type { ConfigKind } from '../audit/finding.ts';
import { DEFAULT_AUDIT_LIMITS, type AuditLimits } from '../audit/limits.ts';
import { tooLarge } from '../audit/text.ts';
import { severityRank, type Severity } from '../observation/finding.ts';
import { renderAuditJson, renderAuditMarkdown, renderAuditTable } from './audit-render.ts';
import type { AUDIT_FORMATS } from './formats.ts';
import { writeOut } from './output.ts';

const AUDIT_FINDING_EXIT = 3;
const AUDIT_REFUSED_EXIT = 2;

export interface AuditFlags {
  kind?: ConfigKind;
  format: (typeof AUDIT_FORMATS)[number];
  out?: string;
  failOn: Severity | 'never';
}

/** One file's bytes, read through one descriptor so what is checked is what is read. */
async function readConfig(file: string, limits: AuditLimits = DEFAULT_AUDIT_LIMITS): Promise<AuditInput> {
  let handle;
  try {
    // O_NONBLOCK: a FIFO named on the command line must not hang the audit before it is refused.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return { file, problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})` };
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) return { file, problem: 'is a folder: give its files (for Orthanc, FOLDER/*.json)' };
    if (!st.isFile()) return { file, problem: 'is not a regular file' };
    const big = tooLarge(st.size, limits);
    if (big) return { file, problem: big };
    // One byte more than allowed: a file that grew since fstat is caught, never read past the cap.
    const buffer = Buffer.alloc(Math.min(st.size, limits.maxFileBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    const grown = tooLarge(length, limits);
    if (grown || length > st.size) return { file, problem: grown ?? 'grew while it was read: audit it once it is written' };
    return { file, bytes: buffer.subarray(0, length) };
  } catch (err) {
    return { file, problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})` };
  } finally {
    await handle.close();
  }
}

export async function auditCommand(files: string[], flags: AuditFlags): Promise<void> {
  const inputs: AuditInput[] = [];
  for (const file of [...new Set(files)]) inputs.push(await readConfig(file));
  const report = auditConfigs(inputs, flags.kind ? { kind: flags.kind } : {});
  const text = flags.format === 'json' ? renderAuditJson(report) : flags.format === 'md' ? renderAuditMarkdown(report) : renderAuditTable(report);
  if (flags.out) writeOut(flags.out, text);
  else process.stdout.write(text);
  const threshold = flags.failOn;
  if (report.files.some((f) => f.status === 'refused')) process.exitCode = AUDIT_REFUSED_EXIT;
  else if (threshold !== 'never' && report.findings.some((f) => severityRank(f.severity) >= severityRank(threshold))) process.exitCode = AUDIT_FINDING_EXIT;
}
