/**
 * Byte fixtures for the DICOM Upper Layer tests, each line with its decoded meaning.
 * Built by hand from PS3.8 9.3 and Annex D; `//` starts a comment, whitespace is ignored.
 */

export function hex(text: string): Buffer {
  const digits = text.replace(/\/\/[^\n]*/g, '').replace(/\s+/g, '');
  if (!/^(?:[0-9a-f]{2})*$/i.test(digits)) throw new Error(`bad hex fixture: ${digits}`);
  return Buffer.from(digits, 'hex');
}

/** A-ASSOCIATE-RQ as DCMTK 3.6.8 `echoscu -aec ANY-SCP <host> <port>` sends it (defaults). */
export const ECHOSCU_ASSOCIATE_RQ = hex(`
  01 00 00 00 00 cd                                  // PDU type 0x01 A-ASSOCIATE-RQ, reserved, PDU length 205
  00 01 00 00                                        // protocol version 1 (bit 0), reserved
  41 4e 59 2d 53 43 50 20 20 20 20 20 20 20 20 20    // called AE title  'ANY-SCP' + 9 spaces
  45 43 48 4f 53 43 55 20 20 20 20 20 20 20 20 20    // calling AE title 'ECHOSCU' + 9 spaces
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00    // reserved (32 bytes)
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  10 00 00 15                                        // application context item, length 21
  31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 33 2e    //   '1.2.840.10008.3.1.1.1' (DICOM application context)
  31 2e 31 2e 31
  20 00 00 2e                                        // presentation context item (RQ), length 46
  01 00 00 00                                        //   context ID 1, 3 reserved bytes
  30 00 00 11                                        //   abstract syntax sub-item, length 17
  31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e 31 //     '1.2.840.10008.1.1' (Verification SOP Class)
  40 00 00 11                                        //   transfer syntax sub-item, length 17
  31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e 32 //     '1.2.840.10008.1.2' (Implicit VR Little Endian)
  50 00 00 3a                                        // user information item, length 58
  51 00 00 04 00 00 40 00                            //   maximum length sub-item: 16384
  52 00 00 1b                                        //   implementation class UID sub-item, length 27
  31 2e 32 2e 32 37 36 2e 30 2e 37 32 33 30 30 31    //     '1.2.276.0.7230010.3.0.3.6.8' (OFFIS DCMTK 3.6.8)
  30 2e 33 2e 30 2e 33 2e 36 2e 38
  55 00 00 0f                                        //   implementation version name sub-item, length 15
  4f 46 46 49 53 5f 44 43 4d 54 4b 5f 33 36 38       //     'OFFIS_DCMTK_368'
`);

/** The A-ASSOCIATE-AC a DCMTK SCP answers to it: Verification accepted with Implicit VR LE. */
export const ECHO_ASSOCIATE_AC = hex(`
  02 00 00 00 00 b8                                  // PDU type 0x02 A-ASSOCIATE-AC, reserved, PDU length 184
  00 01 00 00                                        // protocol version 1, reserved
  41 4e 59 2d 53 43 50 20 20 20 20 20 20 20 20 20    // reserved, echoes the called AE title 'ANY-SCP'
  45 43 48 4f 53 43 55 20 20 20 20 20 20 20 20 20    // reserved, echoes the calling AE title 'ECHOSCU'
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00    // reserved (32 bytes)
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  10 00 00 15                                        // application context item, length 21
  31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 33 2e    //   '1.2.840.10008.3.1.1.1'
  31 2e 31 2e 31
  21 00 00 19                                        // presentation context item (AC), length 25
  01 00 00 00                                        //   context ID 1, reserved, result 0 (acceptance), reserved
  40 00 00 11                                        //   transfer syntax sub-item, length 17
  31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e 32 //     '1.2.840.10008.1.2'
  50 00 00 3a                                        // user information item, length 58
  51 00 00 04 00 00 40 00                            //   maximum length sub-item: 16384
  52 00 00 1b                                        //   implementation class UID sub-item, length 27
  31 2e 32 2e 32 37 36 2e 30 2e 37 32 33 30 30 31    //     '1.2.276.0.7230010.3.0.3.6.8'
  30 2e 33 2e 30 2e 33 2e 36 2e 38
  55 00 00 0f                                        //   implementation version name sub-item, length 15
  4f 46 46 49 53 5f 44 43 4d 54 4b 5f 33 36 38       //     'OFFIS_DCMTK_368'
`);

/** A-ASSOCIATE-RJ: rejected permanent, by the service-user, called AE title not recognised. */
export const CALLED_AE_REJECT = hex(`
  03 00 00 00 00 04                                  // PDU type 0x03 A-ASSOCIATE-RJ, PDU length 4
  00 01 01 07                                        // reserved, result 1 (permanent), source 1 (service-user), reason 7
`);

/** P-DATA-TF carrying a whole C-ECHO-RQ command set (implicit VR little endian, PS3.7 9.3.5). */
export const C_ECHO_RQ_PDATA = hex(`
  04 00 00 00 00 4a                                  // PDU type 0x04 P-DATA-TF, PDU length 74
  00 00 00 46                                        // PDV item length 70
  01                                                 // presentation context ID 1
  03                                                 // message control header: command (bit 0), last fragment (bit 1)
  00 00 00 00 04 00 00 00 38 00 00 00                //   (0000,0000) command group length, UL, 56
  00 00 02 00 12 00 00 00                            //   (0000,0002) affected SOP class UID, 18 bytes:
  31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e    //     '1.2.840.10008.1.1' + NUL pad
  31 00
  00 00 00 01 02 00 00 00 30 00                      //   (0000,0100) command field 0x0030 C-ECHO-RQ
  00 00 10 01 02 00 00 00 01 00                      //   (0000,0110) message ID 1
  00 00 00 08 02 00 00 00 01 01                      //   (0000,0800) command data set type 0x0101 (none)
`);

export const RELEASE_RQ = hex(`
  05 00 00 00 00 04  00 00 00 00                     // A-RELEASE-RQ, PDU length 4, reserved
`);

export const RELEASE_RP = hex(`
  06 00 00 00 00 04  00 00 00 00                     // A-RELEASE-RP, PDU length 4, reserved
`);

/** A-ABORT from the service-provider: unexpected PDU. */
export const PROVIDER_ABORT = hex(`
  07 00 00 00 00 04                                  // PDU type 0x07 A-ABORT, PDU length 4
  00 00 02 02                                        // reserved, reserved, source 2 (service-provider), reason 2 (unexpected PDU)
`);

/** Every fixture, in the order a requestor's association would see them. */
export const ALL_FIXTURES: readonly (readonly [string, Buffer])[] = [
  ['A-ASSOCIATE-RQ (echoscu)', ECHOSCU_ASSOCIATE_RQ],
  ['A-ASSOCIATE-AC', ECHO_ASSOCIATE_AC],
  ['P-DATA-TF (C-ECHO-RQ)', C_ECHO_RQ_PDATA],
  ['A-RELEASE-RQ', RELEASE_RQ],
  ['A-RELEASE-RP', RELEASE_RP],
  ['A-ASSOCIATE-RJ', CALLED_AE_REJECT],
  ['A-ABORT', PROVIDER_ABORT],
];
