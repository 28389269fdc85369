/**
 * nmap on the same endpoints, in the same run: as root its default SYN scan
 * (`nmap -Pn -n -p PORT --script +dicom-ping`, the `+` running the script on
 * any port, not only on those it claims); otherwise nmap falls back to a
 * connect scan, and the row says so.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bench } from './common.ts';
import { runChild } from './measure.ts';

export interface NmapFigures {
  readonly seconds: number;
  readonly open: number;
  /** Endpoints where dicom-ping reported a DICOM service provider. */
  readonly dicom: number;
  readonly scan: 'SYN' | 'connect';
}

export async function nmapSweep(bench: Bench, what: string, addressList: string, port: number): Promise<NmapFigures | undefined> {
  const xml = join(bench.dir, `nmap-${port}.xml`);
  const args = ['-Pn', '-n', '-p', String(port), '--script', '+dicom-ping', '-iL', addressList, '-oX', xml];
  const timeoutMs = 900_000;
  const f = await runChild('nmap', args, timeoutMs);
  if (f.code !== 0 || f.timedOut) {
    bench.row(what, `failed (exit ${f.code}${f.timedOut ? `, timed out after ${timeoutMs / 1000} s` : ''}): ${f.stderr.trim().split('\n').pop() ?? ''}`);
    return undefined;
  }
  const out = readFileSync(xml, 'utf8');
  return {
    seconds: f.seconds,
    open: (out.match(/<state state="open"/g) ?? []).length,
    dicom: (out.match(/<elem key="dicom">DICOM Service Provider discovered!<\/elem>/g) ?? []).length,
    scan: process.getuid?.() === 0 ? 'SYN' : 'connect',
  };
}

export function nmapCommandLine(port: number): string {
  return `nmap -Pn -n -p ${port} --script +dicom-ping -iL ADDRESSES -oX …`;
}
