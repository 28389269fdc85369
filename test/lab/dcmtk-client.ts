/**
 * DCMTK's reference clients (echoscu, findscu) as test oracles for the lab.
 * Their output can hold canary values (findscu prints the identifiers it
 * receives): it is parsed here and never printed.
 */
import { spawn } from 'node:child_process';

export interface ToolRun {
  readonly code: number | null;
  readonly output: string;
}

export function runDcmtk(binary: 'echoscu' | 'findscu', args: readonly string[], timeoutMs = 20_000): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${binary} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

/** The outcome of an association attempt, as DCMTK's clients report it. */
export type AssociationOutcome = 'accepted' | 'called-ae-rejected' | 'calling-ae-rejected' | 'rejected-other' | 'no-acceptable-context' | 'aborted';

export function outcomeOf(run: ToolRun): AssociationOutcome {
  const out = run.output;
  // PS3.8 9.3.4: A-ASSOCIATE-RJ reason 7 (called AE title not recognised), reason 3 (calling AE title not recognised).
  if (/Reason: Called AE Title Not Recognized/.test(out)) return 'called-ae-rejected';
  if (/Reason: Calling AE Title Not Recognized/.test(out)) return 'calling-ae-rejected';
  if (/Association Rejected/.test(out)) return 'rejected-other';
  if (/No Acceptable Presentation Contexts/.test(out)) return 'no-acceptable-context';
  if (/Peer Aborted Association/.test(out)) return 'aborted';
  return 'accepted';
}

export async function echo(ip: string, port: number, calledAe: string): Promise<{ outcome: AssociationOutcome; success: boolean }> {
  const run = await runDcmtk('echoscu', ['-v', '-to', '5', '-ta', '5', '-td', '5', '-aec', calledAe, ip, String(port)]);
  return { outcome: outcomeOf(run), success: run.code === 0 && /Received Echo Response \(Success\)/.test(run.output) };
}

export interface FindResult {
  readonly outcome: AssociationOutcome;
  /** True only when the final C-FIND-RSP said Success. */
  readonly completed: boolean;
  /** Pending responses, one per matching record. */
  readonly matches: number;
}

/** A Patient or Study Root C-FIND asking for one key only, so the oracle sees as little as it needs. */
export async function find(ip: string, port: number, calledAe: string, level: 'PATIENT' | 'STUDY'): Promise<FindResult> {
  const model = level === 'PATIENT' ? '-P' : '-S';
  const key = level === 'PATIENT' ? 'PatientID' : 'StudyInstanceUID';
  const run = await runDcmtk('findscu', ['-v', '-to', '5', '-ta', '5', '-td', '5', model, '-aec', calledAe, '-k', `QueryRetrieveLevel=${level}`, '-k', key, ip, String(port)]);
  return {
    outcome: outcomeOf(run),
    completed: /Received Final Find Response \(Success\)/.test(run.output),
    matches: (run.output.match(/Find Response: \d+ \(Pending\)/g) ?? []).length,
  };
}
