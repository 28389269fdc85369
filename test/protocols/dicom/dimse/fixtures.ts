/** Byte fixtures of DIMSE command sets, each with its decoded meaning. */
import { hex } from '../dataset/build.ts';

/** What dcmtk's echoscu sends as its first command: a C-ECHO-RQ, Implicit VR LE. */
export const ECHOSCU_C_ECHO_RQ = hex(`
  00 00 00 00  04 00 00 00  38 00 00 00          // (0000,0000) CommandGroupLength UL 56
  00 00 02 00  12 00 00 00                       // (0000,0002) AffectedSOPClassUID, 18 bytes:
  31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e 31 00   //   "1.2.840.10008.1.1" + NUL pad (Verification)
  00 00 00 01  02 00 00 00  30 00                // (0000,0100) CommandField 0030H C-ECHO-RQ
  00 00 10 01  02 00 00 00  01 00                // (0000,0110) MessageID 1
  00 00 00 08  02 00 00 00  01 01                // (0000,0800) CommandDataSetType 0101H: no dataset
`);

/** The C-FIND-RQ the scanner sends for the Study Root FIND model (message 7, medium priority). */
export const C_FIND_RQ = hex(`
  00 00 00 00  04 00 00 00  4c 00 00 00      // (0000,0000) CommandGroupLength 76
  00 00 02 00  1c 00 00 00                   // (0000,0002) AffectedSOPClassUID, 28 bytes:
  31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 35 2e 31 2e 34 2e 31 2e 32 2e 32 2e 31 00 // "1.2.840.10008.5.1.4.1.2.2.1" + NUL
  00 00 00 01  02 00 00 00  20 00            // (0000,0100) CommandField 0020H C-FIND-RQ
  00 00 10 01  02 00 00 00  07 00            // (0000,0110) MessageID 7
  00 00 00 07  02 00 00 00  00 00            // (0000,0700) Priority MEDIUM
  00 00 00 08  02 00 00 00  01 00            // (0000,0800) CommandDataSetType 0001H: identifier follows
`);
