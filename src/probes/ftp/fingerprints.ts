/**
 * FTP server products from the 220 greeting (RFC 959 4.2): a data table,
 * anchored on the formats each product writes by default. A greeting is
 * configurable, so a match is "likely", never "certain".
 */
import type { Product } from '../../observation/observation.ts';
import { IDENTIFIER_CAP, optionalIdentifier } from '../../observation/peer-text.ts';

export interface FtpFingerprint {
  readonly name: string;
  /** Group 1, when present, is the version. */
  readonly pattern: RegExp;
  readonly source: string;
}

const FTP_FINGERPRINTS: readonly FtpFingerprint[] = [
  { name: 'vsftpd', pattern: /^\(vsFTPd ([\d.]+)\)/, source: 'vsftpd default ftpd_banner: "(vsFTPd VERSION)" (vsftpd.conf(5), ftpd_banner)' },
  { name: 'ProFTPD', pattern: /ProFTPD (?:([\d.]+[a-z]?) )?Server/, source: 'ProFTPD ServerIdent default: "ProFTPD VERSION Server (NAME) [ADDR]" (proftpd.org/docs/directives/linked/config_ref_ServerIdent.html)' },
  { name: 'Pure-FTPd', pattern: /-{9,} Welcome to Pure-FTPd/, source: 'Pure-FTPd greeting "--------- Welcome to Pure-FTPd [privsep] [TLS] ----------"' },
  { name: 'FileZilla Server', pattern: /FileZilla Server(?: version)? ([\d.]+(?: beta)?)?/i, source: 'FileZilla Server greeting "FileZilla Server VERSION"' },
  { name: 'Microsoft FTP Service', pattern: /^Microsoft FTP Service/, source: 'IIS FTP greeting "Microsoft FTP Service"' },
  { name: 'Serv-U', pattern: /Serv-U FTP Server v([\d.]+)/, source: 'SolarWinds Serv-U greeting "Serv-U FTP Server vVERSION ready"' },
  { name: 'Synology DiskStation FTP', pattern: /^(?:Synology|DiskStation) FTP server ready/i, source: 'Synology DSM FTP greeting "Synology FTP server ready" / "DiskStation FTP server ready"' },
  { name: 'QNAP NAS FTP', pattern: /^NASFTPD Turbo station/i, source: 'QNAP QTS greeting "NASFTPD Turbo station 1.3.xx Server (ProFTPD)"' },
  { name: 'WD My Cloud FTP', pattern: /^Welcome to (?:WD )?My ?Cloud/i, source: 'Western Digital My Cloud FTP greeting' },
  { name: 'Buffalo LinkStation FTP', pattern: /LinkStation|TeraStation/i, source: 'Buffalo NAS FTP greeting naming the product line' },
  { name: 'Wing FTP Server', pattern: /Wing FTP Server/i, source: 'Wing FTP Server greeting' },
  { name: 'Xlight FTP Server', pattern: /Xlight FTP Server ([\d.]+)/, source: 'Xlight FTP Server greeting' },
];

/** Keeps printable ASCII only, collapsed and capped: a greeting is peer text. */
export function cleanBanner(text: string): string {
  return text.replace(/^220[- ]?/gm, '').replace(/[^\x20-\x7e]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}

export function fingerprintFtp(banner: string): Product | undefined {
  for (const f of FTP_FINGERPRINTS) {
    const m = f.pattern.exec(banner);
    if (!m) continue;
    // A pattern's version group can run on ("[\d.]+"): capped like every identifier a peer wrote.
    const version = optionalIdentifier(m[1], IDENTIFIER_CAP.productVersion);
    return { name: f.name, ...(version ? { version } : {}), basis: `FTP greeting (${f.source.split(':')[0]})`, confidence: 'likely' };
  }
  return undefined;
}
