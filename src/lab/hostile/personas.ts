/**
 * The catalogue of hostile peers: each a behaviour no real server shows on
 * purpose, on the port whose probe must survive it. The lab's real servers
 * remain the reference for what a scanner finds; these are for the bounds it
 * must keep and the text it must not keep.
 */
import { endlessFind, dripAssociateAc, hostileFind, hugePdu, resetMidPdu } from './dicom.ts';
import { ftpControl, listLine, listingLines, type DataChannel } from './ftp.ts';
import { deepQidoPage, httpServer, QIDO_PREFIXES, type Route } from './http.ts';
import type { Step } from './script.ts';
import { smbServer } from './smb.ts';
import { HOSTILE_16, HOSTILE_LINE, HOSTILE_TEXT } from './strings.ts';

export type PersonaProtocol = 'dicom' | 'dicom-tls' | 'ftp' | 'smb' | 'http';

/** What a persona's script may ask of the peer it runs in. */
export interface ConnectionContext {
  /** Gap between dripped bytes. */
  readonly dripEveryMs: number;
  /** A listener on the persona's own address for this connection's data connections (FTP EPSV). */
  dataChannel(): Promise<DataChannel>;
}

export interface Persona {
  readonly name: string;
  readonly protocol: PersonaProtocol;
  readonly port: number;
  /** The hostile behaviour, in one line. */
  readonly shows: string;
  /** TLS around the script, on a certificate whose subject is hostile text. */
  readonly tls?: true;
  /** The script of one accepted connection. */
  script(c: ConnectionContext): readonly Step[];
}

/** Addresses a scanner must never reach: named by a redirect and a PASV reply, outside any loopback scope. */
export const OUT_OF_SCOPE = { redirect: '8.8.8.8', passive: '10.1.2.3' } as const;

const TARPIT = (): readonly Step[] => [{ stall: true }];

/** A Part 10 file's start (PS3.10 7.1): preamble, "DICM", group 2 beginning; enough to be sampled, far from complete. */
const PART10_START = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), Buffer.from([0x02, 0x00, 0x00, 0x00, 0x55, 0x4c, 0x04, 0x00, 0x40, 0x00, 0x00, 0x00])]);

const ORTHANC_SYSTEM = JSON.stringify({ Name: HOSTILE_LINE, Version: '1.10.1', ApiVersion: 18, DicomAet: HOSTILE_16.markup, DicomPort: 4242, PluginsEnabled: true });
const ORTHANC_STATISTICS = JSON.stringify({ CountPatients: 1, CountStudies: 1, CountSeries: 1, CountInstances: 1, TotalDiskSize: '1024' });

const HOSTILE_ROUTES: readonly Route[] = [
  { prefix: '/system', answer: { status: 200, headers: { 'Content-Type': 'application/json' }, body: ORTHANC_SYSTEM } },
  { prefix: '/statistics', answer: { status: 200, headers: { 'Content-Type': 'application/json' }, body: ORTHANC_STATISTICS } },
  // A header value may not carry control characters (RFC 9110 5.5): the realm has the rest.
  ...QIDO_PREFIXES.map((prefix) => ({ prefix, answer: { status: 401, headers: { 'WWW-Authenticate': `Basic realm="${HOSTILE_TEXT.markup} ${HOSTILE_TEXT.formula}"` } } })),
  { prefix: '/', answer: { status: 200, body: `<html><head><title>${HOSTILE_LINE}</title></head><body>${HOSTILE_LINE}</body></html>` } },
];

export const PERSONAS: readonly Persona[] = [
  // Tarpits: accept and never speak, on every port a probe claims.
  { name: 'dicom-tarpit', protocol: 'dicom', port: 104, shows: 'accepts and never speaks (DICOM)', script: TARPIT },
  { name: 'dicom-tls-tarpit', protocol: 'dicom-tls', port: 2762, shows: 'accepts and never speaks, not even a TLS handshake', script: TARPIT },
  { name: 'ftp-tarpit', protocol: 'ftp', port: 21, shows: 'accepts and never sends a greeting', script: TARPIT },
  { name: 'smb-tarpit', protocol: 'smb', port: 445, shows: 'accepts and never answers NEGOTIATE', script: TARPIT },
  { name: 'http-tarpit', protocol: 'http', port: 8042, shows: 'accepts and never answers a request', script: TARPIT },
  // Drip-fed, endless and huge answers.
  { name: 'dicom-drip-associate-ac', protocol: 'dicom', port: 104, shows: 'a valid A-ASSOCIATE-AC, one byte at a time', script: (c) => dripAssociateAc(c.dripEveryMs) },
  { name: 'dicom-endless-find', protocol: 'dicom', port: 104, shows: 'C-FIND matches for ever; C-CANCEL ignored', script: () => endlessFind() },
  { name: 'dicom-huge-pdu', protocol: 'dicom', port: 104, shows: 'an A-ASSOCIATE-AC declaring 4 GB', script: () => hugePdu() },
  { name: 'dicom-reset-mid-pdu', protocol: 'dicom', port: 104, shows: 'half an A-ASSOCIATE-AC, then a TCP reset', script: () => resetMidPdu() },
  {
    name: 'ftp-drip-file',
    protocol: 'ftp',
    port: 21,
    shows: 'anonymous FTP whose DICOM file trickles one byte at a time',
    script: (c) => ftpControl({ banner: 'FTP server ready.', passive: { kind: 'epsv' }, listing: [{ send: listLine('IM000001.dcm', 1024) }], file: [{ drip: PART10_START, everyMs: c.dripEveryMs }] }, () => c.dataChannel()),
  },
  {
    name: 'ftp-endless-listing',
    protocol: 'ftp',
    port: 21,
    shows: 'anonymous FTP whose listing has a million lines',
    script: (c) => ftpControl({ banner: 'FTP server ready.', passive: { kind: 'epsv' }, listing: [{ neverEnd: () => listingLines(1_000_000) }], file: [] }, () => c.dataChannel()),
  },
  { name: 'http-deep-qido', protocol: 'http', port: 8042, shows: 'a QIDO-RS page nested 100,000 deep', script: () => httpServer(QIDO_PREFIXES.map((prefix) => ({ prefix, answer: { status: 200, headers: { 'Content-Type': 'application/dicom+json' }, body: deepQidoPage(100_000) } }))) },
  // Hostile text in every field a scanner might keep.
  {
    name: 'dicom-hostile-text',
    protocol: 'dicom',
    port: 104,
    shows: 'markup as responding AE title, escapes and a formula as implementation version, a birth date in ModalitiesInStudy',
    script: () => hostileFind({ respondingAeTitle: HOSTILE_16.markup, implementationVersionName: HOSTILE_16.terminalFormula }, HOSTILE_TEXT.birthDate, 3),
  },
  {
    name: 'dicom-tls-hostile-certificate',
    protocol: 'dicom-tls',
    port: 2762,
    tls: true,
    shows: 'a certificate whose subject is markup, a formula and escapes; hostile text inside the association too',
    script: () => hostileFind({ respondingAeTitle: HOSTILE_16.markup, implementationVersionName: HOSTILE_16.terminalFormula }, HOSTILE_TEXT.birthDate, 1),
  },
  {
    name: 'ftp-hostile-text',
    protocol: 'ftp',
    port: 21,
    shows: `a hostile banner; EPSV refused and a PASV reply naming ${OUT_OF_SCOPE.passive}`,
    script: (c) => ftpControl({ banner: HOSTILE_LINE, passive: { kind: 'pasv-elsewhere', host: OUT_OF_SCOPE.passive, port: 1025 }, listing: [], file: [] }, () => c.dataChannel()),
  },
  {
    name: 'smb-hostile-text',
    protocol: 'smb',
    port: 445,
    shows: 'server names and share names made of markup, escapes and formulas',
    script: () =>
      smbServer({
        netbiosComputerName: HOSTILE_16.markup,
        netbiosDomainName: HOSTILE_16.terminalFormula,
        dnsComputerName: HOSTILE_LINE,
        shares: [HOSTILE_TEXT.markup, HOSTILE_TEXT.terminal, HOSTILE_TEXT.formula],
      }),
  },
  { name: 'http-hostile-text', protocol: 'http', port: 8042, shows: 'markup and a formula in the realm, the title and Orthanc\'s /system', script: () => httpServer(HOSTILE_ROUTES) },
  {
    name: 'http-redirect-out-of-scope',
    protocol: 'http',
    port: 8042,
    shows: `every path redirected to ${OUT_OF_SCOPE.redirect}`,
    script: () => httpServer([{ prefix: '/', answer: { status: 302, headers: { Location: `http://${OUT_OF_SCOPE.redirect}/` } } }]),
  },
];
