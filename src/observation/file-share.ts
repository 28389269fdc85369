/**
 * Result fields of the file-share probes (FTP, SMB, rsync, NFS): what a walk of an
 * anonymous or guest session saw, as counts only.
 *
 * No path, file or folder name from the peer is kept: folders on imaging
 * shares are often named after patients. Indicator entries name the table
 * entry that matched, never the peer's file name. Share names (SMB) and module
 * names (rsync) and export paths (NFS) are kept, cleaned and capped: administrators choose them, not
 * patients; an rsync module's comment and the daemon's message of the day are not. The FTP
 * greeting is free text and is not kept: the product it names is (docs/peer-text.md).
 *
 * Imports zod and its siblings only (observation.ts imports this file): the result schema is a leaf.
 */
import { z } from 'zod';
import { IDENTIFIER_CAP as CAP, peerIdentifier } from './peer-text.ts';

const n = z.number().int().nonnegative();

/** Why a walk stopped before it had seen everything. */
export const WalkStop = z.enum(['depth', 'directories', 'entries', 'time', 'listing-error']);
export type WalkStop = z.infer<typeof WalkStop>;

export const IndicatorKind = z.enum(['miner', 'miner-config', 'wallet-address', 'ransom-note', 'ransom-extension', 'web-shell', 'executable-in-image-folder']);
export type IndicatorKind = z.infer<typeof IndicatorKind>;

export const IndicatorHit = z.object({
  /** Id of the entry that matched: probes/nas/indicators.ts (by name) or probes/nas/content-indicators.ts (by content). */
  id: z.string().regex(/^[a-z0-9-]+$/),
  kind: IndicatorKind,
  /** Files that matched it. */
  count: n,
  /**
   * What matched: the file's name, or the first bytes of a small text file
   * read in memory (only this id and the count are kept, never its text or name).
   * Absent in walks recorded before content was read: by name.
   */
  by: z.enum(['name', 'content']).optional(),
});
export type IndicatorHit = z.infer<typeof IndicatorHit>;

export const WriteAccess = z.object({
  /** What the server's own answers say: listing permissions (FTP), maximal access (SMB). */
  advertised: z.enum(['writable', 'read-only', 'unknown']),
  /** The opt-in create-and-remove check (--check-write): not attempted unless asked. */
  probe: z.enum(['not-attempted', 'created-and-removed', 'created-not-removed', 'refused', 'error']),
});
export type WriteAccess = z.infer<typeof WriteAccess>;

export const FileWalk = z.object({
  directories: n,
  files: n,
  /** Bytes of all files listed, as the server reported their sizes. */
  bytes: n,
  dicomFiles: n,
  dicomBytes: n,
  /** DICOMDIR media directories (PS3.10 8.6): counted apart from image files. */
  dicomdirs: n,
  /** Folders holding at least one DICOM file: an estimate of studies or series where files are filed per study. */
  dicomFolders: n,
  /** Recognised by name (extension, DICOMDIR, vendor patterns), including those later confirmed by their header. */
  recognisedByName: n,
  /** Confirmed by the "DICM" marker at offset 128 (PS3.10 7.1) in the first bytes read. */
  confirmedByMarker: n,
  /** Files whose first bytes were read (capped sample). */
  headersRead: n,
  /** Small text files (notes, configurations) whose first bytes were matched against the content indicators. Absent in older walks. */
  textsRead: n.optional(),
  /** Dataset elements before Pixel Data per header read: min / median / max. */
  elementsPerHeader: z.object({ min: n, median: n, max: n }).optional(),
  deepestLevel: n,
  /** Empty when the walk saw the whole tree. */
  stoppedBy: z.array(WalkStop),
  indicators: z.array(IndicatorHit),
});
export type FileWalk = z.infer<typeof FileWalk>;

export const LoginAttempt = z.object({
  method: z.enum(['anonymous', 'blank', 'null-session', 'guest']),
  outcome: z.enum(['accepted', 'refused', 'error', 'not-attempted']),
  /** FTP reply code or NTSTATUS of the refusal, when there was one. */
  code: z.number().int().optional(),
});
export type LoginAttempt = z.infer<typeof LoginAttempt>;

export const FtpDetails = z.object({
  protocol: z.literal('ftp'),
  /** FEAT lists AUTH TLS (RFC 4217): FTPS is offered on this port. */
  authTls: z.boolean(),
  /** FEAT lists MLST (RFC 3659). */
  mlsd: z.boolean(),
  logins: z.array(LoginAttempt),
  /** The login that the walk used, if any. */
  loggedInAs: z.enum(['anonymous', 'blank']).optional(),
  walk: FileWalk.optional(),
  write: WriteAccess.optional(),
  /** PASV/EPSV answers naming another host (FTP bounce, RFC 2577): refused, counted. */
  refusedPassiveTargets: n,
});
export type FtpDetails = z.infer<typeof FtpDetails>;

export const SmbShare = z.object({
  /** From srvsvc (the server's own list) or our common names: a capped printable identifier. */
  name: peerIdentifier(CAP.shareName),
  /** MS-SRVS 2.2.2.4 share type, low bits: 0 disk, 1 print queue, 2 device, 3 IPC. */
  type: z.enum(['disk', 'printer', 'device', 'ipc', 'unknown']),
  /** Where the name came from. */
  source: z.enum(['srvsvc', 'common-names']),
  access: z.enum(['tree-connected', 'access-denied', 'not-found', 'error', 'not-tried']),
  walk: FileWalk.optional(),
  write: WriteAccess.optional(),
});
export type SmbShare = z.infer<typeof SmbShare>;

export const SmbDetails = z.object({
  protocol: z.literal('smb'),
  /** Negotiated dialect, e.g. "3.1.1" (MS-SMB2 2.2.4): written by us from the DialectRevision number. */
  dialect: peerIdentifier(CAP.shortFact).optional(),
  signingEnabled: z.boolean().optional(),
  signingRequired: z.boolean().optional(),
  /** Server GUID from the NEGOTIATE response, hex. */
  serverGuid: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  /** From the NTLMSSP CHALLENGE target info (MS-NLMP 2.2.2.1): capped printable identifiers. */
  netbiosComputerName: peerIdentifier(CAP.netbiosName).optional(),
  netbiosDomainName: peerIdentifier(CAP.netbiosName).optional(),
  dnsComputerName: peerIdentifier(CAP.dnsName).optional(),
  /** MS-NLMP 2.2.2.10 VERSION: "major.minor.build", written by us from three numbers. */
  osVersion: peerIdentifier(CAP.shortFact).optional(),
  logins: z.array(LoginAttempt),
  /** The session the share walk used. */
  session: z.enum(['null-session', 'guest']).optional(),
  /** The server flagged the session as guest or anonymous (MS-SMB2 2.2.6 SessionFlags). */
  sessionFlags: z.enum(['guest', 'null', 'none']).optional(),
  shareEnumeration: z.enum(['srvsvc', 'common-names', 'not-attempted']),
  shares: z.array(SmbShare),
  /** Why the probe stopped early (e.g. signing required for this session). */
  stoppedBecause: z.enum(['signing-required', 'no-session']).optional(),
});
export type SmbDetails = z.infer<typeof SmbDetails>;

export const RsyncModule = z.object({
  /** From the daemon's module list (clientserver.c send_listing): a capped printable identifier. */
  name: peerIdentifier(CAP.rsyncModule),
  /**
   * What a request for the module without credentials got: anonymous ("@RSYNCD: OK"),
   * auth-required ("@RSYNCD: AUTHREQD", never answered: no secret is tried), refused
   * ("@ERROR", e.g. hosts deny), closed (the daemon hung up), not-tried (past the cap).
   */
  access: z.enum(['anonymous', 'auth-required', 'refused', 'closed', 'error', 'not-tried']),
  /** The read-only walk of an anonymous module's file list. */
  walk: FileWalk.optional(),
});
export type RsyncModule = z.infer<typeof RsyncModule>;

export const RsyncDetails = z.object({
  protocol: z.literal('rsync'),
  /** The protocol version in the daemon's greeting ("@RSYNCD: 31.0"): 30 is rsync 3.0, 31 3.1, 32 3.2.7 and later. */
  serverProtocol: n,
  /** The version the session ran on: the lower of the daemon's and ours (31). */
  protocolVersion: n,
  /** Whether the daemon answered an empty module request with its list. */
  moduleList: z.enum(['listed', 'refused', 'not-attempted']),
  /** Modules the list named (up to the probe's line cap). */
  modulesListed: n,
  /** The list went on past the probe's line cap. */
  moduleListCut: z.boolean(),
  /** The modules kept (at most 32), in the daemon's order. */
  modules: z.array(RsyncModule),
  /** Why no module was walked: a daemon older than protocol 27 speaks a file list we do not decode. */
  stoppedBecause: z.enum(['old-protocol']).optional(),
});
export type RsyncDetails = z.infer<typeof RsyncDetails>;

export const NfsExport = z.object({
  /** The export's path from MOUNT's EXPORT list (RFC 1813 I.5.5 ex_dir): a capped printable identifier. */
  path: peerIdentifier(CAP.nfsExportPath),
  /**
   * Who may mount it, as the list says: everyone (a "*" group, or no group at
   * all, which servers send for an export open to every client), or the
   * listed hosts, netgroups and networks only. The names are not kept.
   */
  clients: z.enum(['everyone', 'listed']),
  /** Groups the list named for the export (host names, netgroups, networks). */
  clientEntries: n,
  /** Whether one of the listed groups is the scanner's own address, or a network holding it; unknown for names and netgroups. */
  scannerListed: z.enum(['yes', 'no', 'unknown']),
  /**
   * What MNT with AUTH_SYS (the scanner's own uid and gid) got: mounted, access
   * denied (MNT3ERR_ACCES or MNT3ERR_PERM), another refusal (no such export and
   * the rest), error (the exchange broke), or not tried (not open to everyone, past the cap).
   */
  access: z.enum(['mounted', 'access-denied', 'refused', 'error', 'not-tried']),
  /** The authentication flavours MNT said the export accepts (RFC 5531 8.2 numbers named). */
  authFlavors: z.array(z.enum(['none', 'sys', 'des', 'kerberos', 'other'])).optional(),
  /** The read-only walk of a mounted export over NFSv3. */
  walk: FileWalk.optional(),
});
export type NfsExport = z.infer<typeof NfsExport>;

export const NfsDetails = z.object({
  protocol: z.literal('nfs'),
  /** MOUNT v3 and NFSv3 over TCP, as the port mapper's GETPORT answered (0: not registered). */
  mountPort: n,
  nfsPort: n,
  /**
   * Whether MOUNT's EXPORT procedure answered with its list; udp-only: the port
   * mapper registers MOUNT v3 over UDP alone, which the probe does not speak.
   */
  exportList: z.enum(['listed', 'refused', 'not-registered', 'udp-only', 'not-attempted']),
  /** Exports the list named (all of them, kept or not). */
  exportsListed: n,
  /** The exports kept (at most 32), in the server's order. */
  exports: z.array(NfsExport),
  /** Why no export was walked although one was mounted: NFSv3 is not registered, or over UDP alone (not spoken here). */
  stoppedBecause: z.enum(['no-nfs-v3', 'nfs-v3-udp-only']).optional(),
});
export type NfsDetails = z.infer<typeof NfsDetails>;
