/**
 * What a port speaks, from the first bytes its peer sent: a server-first
 * greeting, or the answer to our A-ASSOCIATE-RQ. Pure; each shape is matched
 * on its protocol's structure, anchored at the first byte, never on a word
 * found anywhere. Too few bytes to see a shape whole is 'unknown'.
 */

export type FirstBytesKind = 'none' | 'dicom' | 'tls' | 'http' | 'ftp' | 'smb' | 'ssh' | 'rsync' | 'unknown';

/** PS3.8 9.3.1: PDU type, a reserved byte (0), then the 32-bit PDU length. */
const PDU_TYPES = new Set([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]);
/** PS3.8 9.3.4, 9.3.6, 9.3.7, 9.3.8: A-ASSOCIATE-RJ, A-RELEASE-RQ/RP and A-ABORT are 10 bytes, a length of 4. */
const FIXED_LENGTH_PDUS = new Set([0x03, 0x05, 0x06, 0x07]);

function isDicomPdu(b: Buffer): boolean {
  if (b.length < 6 || !PDU_TYPES.has(b[0]!) || b[1] !== 0x00) return false;
  const length = b.readUInt32BE(2);
  return FIXED_LENGTH_PDUS.has(b[0]!) ? length === 4 : length > 0;
}

/** RFC 8446 5.1 (and RFC 5246 6.2.1): content type 20-23 (an alert is 21, a handshake 22), legacy version 3.x. */
function isTlsRecord(b: Buffer): boolean {
  return b.length >= 3 && b[0]! >= 0x14 && b[0]! <= 0x17 && b[1] === 0x03 && b[2]! <= 0x04;
}

/** RFC 9112 4: status-line = HTTP-version SP status-code SP … */
const HTTP_STATUS_LINE = /^HTTP\/\d\.\d \d{3}[ \r\n]/;
/** RFC 959 4.2: the replies to a connection, 120 (ready in n minutes), 220 (ready), 421 (not available); single or multi-line. */
const FTP_GREETING = /^(?:120|220|421)[ -]/;
/** rsync's csprotocol.txt: the daemon greets first with "@RSYNCD: <protocol version>". */
const RSYNC_GREETING = /^@RSYNCD: \d+/;
/** RFC 4253 4.2: SSH-protoversion-softwareversion. */
const SSH_IDENTIFICATION = /^SSH-\d\.\d+-/;

/** RFC 1002 4.3.1 session message (type 0, 24-bit length) carrying an SMB1 (0xFF) or SMB2 (0xFE) header, "SMB". */
function isSmbMessage(b: Buffer): boolean {
  return b.length >= 8 && b[0] === 0x00 && (b[4] === 0xfe || b[4] === 0xff) && b.toString('latin1', 5, 8) === 'SMB';
}

export function classifyFirstBytes(bytes: Buffer): FirstBytesKind {
  if (bytes.length === 0) return 'none';
  if (isDicomPdu(bytes)) return 'dicom';
  if (isTlsRecord(bytes)) return 'tls';
  if (isSmbMessage(bytes)) return 'smb';
  const text = bytes.toString('latin1');
  if (HTTP_STATUS_LINE.test(text)) return 'http';
  if (FTP_GREETING.test(text)) return 'ftp';
  if (SSH_IDENTIFICATION.test(text)) return 'ssh';
  if (RSYNC_GREETING.test(text)) return 'rsync';
  return 'unknown';
}
