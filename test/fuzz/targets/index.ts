/** Every fuzz target, in the order `run.ts` fuzzes them: the table the engine reads. */
import type { FuzzTarget } from '../engine.ts';
import { dimseCommand, dimseFragment, datasetWalk, part10Header, ulFramer, ulPdu } from './dicom.ts';
import { resultLines, targetSpec } from './scope.ts';
import { dcerpc, ntlmssp, smb2 } from './smb.ts';
import { oncRpc } from './sunrpc.ts';
import { ftpListing, ftpReply, qidoJson, shareText } from './text.ts';

export const TARGETS: readonly FuzzTarget[] = [
  ulPdu,
  ulFramer,
  dimseCommand,
  dimseFragment,
  datasetWalk,
  part10Header,
  smb2,
  ntlmssp,
  dcerpc,
  oncRpc,
  qidoJson,
  ftpListing,
  ftpReply,
  shareText,
  resultLines,
  targetSpec,
];

export function targetNamed(name: string): FuzzTarget | undefined {
  return TARGETS.find((t) => t.name === name);
}
