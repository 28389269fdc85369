/**
 * Synthetic hosts for the million-service benchmark, shaped like what the
 * probes return on the internet: mostly FTP, SMB and web servers that expose
 * nothing, some DICOM that checks its AE titles or only echoes, and one host
 * in two hundred exposed (open DICOM archives, Orthanc with DICOMweb,
 * anonymous FTP and guest SMB shares holding images). Everything is a pure
 * function of the host's index and the run (1 or 2), so both runs are made
 * one host at a time and never held in memory.
 *
 * Findings are not made here: the writer assesses each observation with the
 * real rules, as a scan does.
 */
import type { FileWalk } from '../src/observation/file-share.ts';
import type { AssociationAttempt, DicomDetails, Observation, TlsInfo, WebLogin } from '../src/observation/observation.ts';

/** A 32-bit hash of (index, salt): murmur3's finaliser, enough to spread choices evenly. */
export function mix(i: number, salt: number): number {
  let h = Math.imul(i ^ Math.imul(salt, 0x9e3779b1), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const unit = (i: number, salt: number): number => mix(i, salt) / 2 ** 32;
const pick = <T>(items: readonly T[], i: number, salt: number): T => items[mix(i, salt) % items.length]!;

export type HostKind = 'ftp' | 'smb' | 'web' | 'dicom' | 'exposed';

/** Shares of hosts: 1.24 services per host on average, 0.5 % of hosts exposed. */
const KINDS: ReadonlyArray<readonly [HostKind, number]> = [
  ['exposed', 0.005],
  ['ftp', 0.38],
  ['smb', 0.38],
  ['web', 0.12],
  ['dicom', 0.115],
];

export function baseKind(i: number): HostKind {
  let u = unit(i, 1);
  for (const [kind, share] of KINDS) {
    if (u < share) return kind;
    u -= share;
  }
  return 'dicom';
}

/** How a host of run 1 looks in run 2: gone, the same, exposed since, or locked since. */
export type Change = 'gone' | 'same' | 'newly-exposed' | 'locked' | 'counts-moved';

/** 2 % of hosts gone, 0.3 % of unexposed ones newly exposed, 10 % of exposed ones locked and 20 % with other counts. */
export function changeInRun2(i: number): Change {
  const u = unit(i, 2);
  if (u < 0.02) return 'gone';
  if (baseKind(i) !== 'exposed') return u < 0.023 ? 'newly-exposed' : 'same';
  return u < 0.12 ? 'locked' : u < 0.32 ? 'counts-moved' : 'same';
}

/**
 * Addresses for host `i`, one to one, in order of preference: IPv4 from
 * 1.0.0.0 up by a multiplicative walk (distinct for i below 223 × 2^24), then
 * IPv6 in 2a02::/16. One host in a hundred has only its IPv6 address; the
 * writer also takes it when the IPv4 one is where a scan does not go
 * (private, loopback …).
 */
export function hostAddresses(i: number): string[] {
  const v6 = `2a02:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}::${(mix(i, 3) & 0xffff).toString(16)}`;
  if (unit(i, 4) < 0.01) return [v6];
  // In BigInt: the product passes 2^53 from i = 3.4 million on, and a rounded one would repeat addresses.
  const n = Number((BigInt(i) * 2654435761n) % (223n << 24n)) + 2 ** 24;
  return [[Math.floor(n / 2 ** 24), (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'), v6];
}

/** When each run started: a month apart. */
const STARTED = { 1: Date.UTC(2026, 0, 5, 2), 2: Date.UTC(2026, 1, 5, 2) } as const;

function base(protocol: Observation['protocol'], ip: string, port: number, i: number, run: 1 | 2): Pick<Observation, 'protocol' | 'endpoint' | 'startedAt' | 'durationMs' | 'tls' | 'exposure'> {
  return { protocol, endpoint: { ip, port }, startedAt: new Date(STARTED[run] + i * 7).toISOString(), durationMs: 20 + (mix(i, 5) % 900), tls: false, exposure: {} };
}

const count = (n: number, atLeast = false) => ({ n, atLeast });
const NO_LOGIN: WebLogin = { kind: 'none', check: 'not-applicable', attempts: 0 };

// ---- FTP -------------------------------------------------------------------

const FTP_PRODUCTS = [
  { name: 'vsftpd', version: '3.0.3', basis: 'FTP greeting (vsftpd default ftpd_banner)' },
  { name: 'ProFTPD', version: '1.3.5e', basis: 'FTP greeting (ProFTPD ServerIdent default)' },
  { name: 'Pure-FTPd', basis: 'FTP greeting (Pure-FTPd greeting "--------- Welcome to Pure-FTPd [privsep] [TLS] ----------")' },
  { name: 'Microsoft FTP Service', basis: 'FTP greeting (IIS FTP greeting "Microsoft FTP Service")' },
  { name: 'FileZilla Server', version: '0.9.60 beta', basis: 'FTP greeting (FileZilla Server greeting "FileZilla Server VERSION")' },
  { name: 'Synology DiskStation FTP', basis: 'FTP greeting (Synology DSM FTP greeting "Synology FTP server ready" / "DiskStation FTP server ready")' },
] as const;

function walk(i: number, dicomFiles: number): FileWalk {
  const files = dicomFiles + (mix(i, 6) % 400);
  return {
    directories: 3 + (mix(i, 7) % 60), files, bytes: files * 180_000, dicomFiles, dicomBytes: dicomFiles * 520_000, dicomdirs: dicomFiles > 0 ? 1 : 0,
    dicomFolders: Math.ceil(dicomFiles / 40), recognisedByName: dicomFiles, confirmedByMarker: Math.min(dicomFiles, 50), headersRead: Math.min(dicomFiles, 50),
    deepestLevel: 2 + (mix(i, 8) % 5), stoppedBy: dicomFiles > 2000 ? ['entries'] : [], indicators: [],
    ...(dicomFiles > 0 ? { elementsPerHeader: { min: 57, median: 88, max: 131 } } : {}),
  };
}

/** `seed` picks the counts of an exposed share: a later run of the same host may count other numbers. */
function ftp(ip: string, i: number, run: 1 | 2, exposed: boolean, seed = i): Observation {
  const o = { ...base('ftp', ip, 21, i, run), product: { ...pick(FTP_PRODUCTS, i, 9), confidence: 'likely' as const } };
  const details = { protocol: 'ftp' as const, authTls: unit(i, 10) < 0.4, mlsd: unit(i, 11) < 0.6, refusedPassiveTargets: 0 };
  if (exposed) {
    const dicomFiles = 40 + (mix(seed, 12) % 5000);
    return {
      ...o, status: 'success', exposure: { files: count(dicomFiles), bytes: count(dicomFiles * 520_000), images: count(dicomFiles), studies: count(Math.ceil(dicomFiles / 120)) },
      inventory: { records: 50, attributes: [{ keyword: 'PatientName', tag: '00100010', class: 'direct-identifier', present: 50 }, { keyword: 'PatientID', tag: '00100020', class: 'direct-identifier', present: 50 }] },
      details: { ...details, logins: [{ method: 'anonymous', outcome: 'accepted' }], loggedInAs: 'anonymous', walk: walk(i, dicomFiles), write: { advertised: 'read-only', probe: 'not-attempted' } },
    };
  }
  const u = unit(i, 13);
  if (u < 0.1) {
    // Anonymous FTP with software and documents, no images: readable, not exposed.
    return { ...o, status: 'success', details: { ...details, logins: [{ method: 'anonymous', outcome: 'accepted' }], loggedInAs: 'anonymous', walk: walk(i, 0), write: { advertised: 'read-only', probe: 'not-attempted' } } };
  }
  if (u < 0.2) {
    const { product: _product, ...bare } = o;
    return { ...bare, status: 'io-timeout', error: { code: 'io-timeout', message: 'no FTP greeting within 5000 ms', phase: 'greeting' } };
  }
  return { ...o, status: 'rejected', details: { ...details, logins: [{ method: 'anonymous', outcome: 'refused', code: 530 }, { method: 'blank', outcome: 'refused', code: 530 }] } };
}

// ---- SMB -------------------------------------------------------------------

function smb(ip: string, i: number, run: 1 | 2, exposed: boolean, seed = i): Observation {
  const dialect = pick(['3.1.1', '3.1.1', '3.0.2', '2.1'], i, 14);
  const o = { ...base('smb', ip, 445, i, run), product: { name: 'SMB server', version: dialect, basis: 'SMB2 NEGOTIATE dialect and NTLMSSP target info', confidence: 'guess' as const } };
  const names = { netbiosComputerName: `NAS${mix(i, 15) % 9000}`, netbiosDomainName: 'WORKGROUP', osVersion: pick(['10.0.17763', '10.0.20348', '6.1.7601'], i, 16) };
  const head = { protocol: 'smb' as const, dialect, signingEnabled: true, signingRequired: unit(i, 17) < 0.5, serverGuid: mix(i, 18).toString(16).padStart(8, '0').repeat(4), ...names };
  if (exposed) {
    const dicomFiles = 100 + (mix(seed, 19) % 20_000);
    return {
      ...o, status: 'success', exposure: { files: count(dicomFiles), bytes: count(dicomFiles * 520_000), images: count(dicomFiles), patients: count(Math.ceil(dicomFiles / 900)) },
      inventory: { records: 50, attributes: [{ keyword: 'PatientName', tag: '00100010', class: 'direct-identifier', present: 50 }] },
      details: {
        ...head, logins: [{ method: 'null-session', outcome: 'accepted' }, { method: 'guest', outcome: 'accepted' }], session: 'guest', sessionFlags: 'guest', shareEnumeration: 'srvsvc',
        shares: [
          { name: 'images', type: 'disk', source: 'srvsvc', access: 'tree-connected', walk: walk(i, dicomFiles), write: { advertised: 'read-only', probe: 'not-attempted' } },
          { name: 'IPC$', type: 'ipc', source: 'srvsvc', access: 'not-tried' },
        ],
      },
    };
  }
  const u = unit(i, 20);
  if (u < 0.3) {
    // Null session lists the shares; none opens.
    return {
      ...o, status: 'success',
      details: {
        ...head, logins: [{ method: 'null-session', outcome: 'accepted' }, { method: 'guest', outcome: 'refused' }], session: 'null-session', sessionFlags: 'null', shareEnumeration: 'srvsvc',
        shares: [{ name: 'IPC$', type: 'ipc', source: 'srvsvc', access: 'not-tried' }, { name: 'data', type: 'disk', source: 'srvsvc', access: 'access-denied' }, { name: 'backup', type: 'disk', source: 'srvsvc', access: 'access-denied' }],
      },
    };
  }
  if (u < 0.4) {
    const { product: _product, ...bare } = o;
    return { ...bare, status: 'connection-reset', error: { code: 'connection-reset', message: 'connection-reset (ECONNRESET)', phase: 'negotiate' } };
  }
  return { ...o, status: 'rejected', details: { ...head, logins: [{ method: 'null-session', outcome: 'refused', code: 0xc0000022 }, { method: 'guest', outcome: 'refused', code: 0xc000006d }], shareEnumeration: 'not-attempted', shares: [], stoppedBecause: 'no-session' } };
}

// ---- web -------------------------------------------------------------------

function certificate(i: number): TlsInfo {
  const selfSigned = unit(i, 21) < 0.3;
  return {
    version: pick(['TLSv1.3', 'TLSv1.2', 'TLSv1.2', 'TLSv1'], i, 22),
    certificate: {
      subject: `CN=host-${mix(i, 23) % 100_000}.example.net`, issuer: selfSigned ? `CN=host-${mix(i, 23) % 100_000}.example.net` : "CN=R11,O=Let's Encrypt,C=US",
      validFrom: '2025-10-01T00:00:00.000Z', validTo: '2026-12-30T00:00:00.000Z', selfSigned, expired: false, notYetValid: false, keyType: 'rsa', keyBits: 2048,
      sha256: (mix(i, 24).toString(16).padStart(8, '0') + mix(i, 25).toString(16).padStart(8, '0')).repeat(4),
    },
  };
}

/** Three probes answer every web port: the portal, Orthanc's REST API and DICOMweb. Most web servers are none of them. */
function web(ip: string, i: number, run: 1 | 2): Observation[] {
  const https = unit(i, 26) < 0.45;
  const port = https ? 443 : 80;
  const tls = https ? { tls: true, tlsInfo: certificate(i) } : {};
  const scheme = https ? ('https' as const) : ('http' as const);
  const none = (protocol: 'portal' | 'orthanc' | 'dicomweb'): Observation => ({ ...base(protocol, ip, port, i, run), ...tls, status: 'not-this-protocol' });
  const u = unit(i, 27);
  if (u < 0.1) {
    // A PACS web viewer behind a login.
    const portal: Observation = {
      ...base('portal', ip, port, i, run), ...tls, status: 'success',
      product: { name: 'Orthanc', basis: 'web signature orthanc-realm', confidence: 'certain' },
      details: { protocol: 'portal', scheme, rootStatus: 401, matches: [{ signature: 'orthanc-realm', path: '/' }], login: { kind: 'basic', realm: 'Orthanc Secure Area', check: 'not-checked', attempts: 0 } },
    };
    const orthanc: Observation = {
      ...base('orthanc', ip, port, i, run), ...tls, status: 'rejected',
      details: { protocol: 'orthanc', scheme, access: 'login-required', login: { kind: 'basic', realm: 'Orthanc Secure Area', check: 'not-checked', attempts: 0 } },
    };
    return [portal, orthanc, none('dicomweb')];
  }
  return [none('portal'), none('orthanc'), none('dicomweb')];
}

/** Orthanc on 8042 with its REST API and DICOMweb open, and the explorer page. */
function openOrthanc(ip: string, i: number, run: 1 | 2, patients: number): Observation[] {
  const studies = patients * 2;
  const instances = studies * 180;
  const counts = { patients: count(patients), studies: count(studies), series: count(studies * 4), images: count(instances) };
  const version = pick(['1.9.7', '1.10.1', '1.12.1', '1.12.4'], i, 28);
  const product = { name: 'Orthanc', version, basis: 'REST GET /system', confidence: 'certain' as const };
  return [
    {
      ...base('portal', ip, 8042, i, run), status: 'success', product: { name: 'Orthanc', basis: 'web signature orthanc-explorer', confidence: 'certain' },
      details: { protocol: 'portal', scheme: 'http', rootStatus: 200, matches: [{ signature: 'orthanc-explorer', path: '/app/explorer.html' }], login: NO_LOGIN },
    },
    {
      ...base('orthanc', ip, 8042, i, run), status: 'success', product, exposure: counts,
      details: { protocol: 'orthanc', scheme: 'http', access: 'open', login: NO_LOGIN, system: { version, apiVersion: 16, dicomAet: 'ORTHANC', dicomPort: 4242 }, statistics: { patients, studies, series: studies * 4, instances } },
    },
    {
      ...base('dicomweb', ip, 8042, i, run), status: 'success', exposure: { patients: count(Math.min(patients, 1000), patients > 1000), studies: count(Math.min(studies, 1000), studies > 1000) },
      inventory: { records: Math.min(studies, 1000), attributes: [{ keyword: 'PatientName', tag: '00100010', class: 'direct-identifier', present: Math.min(studies, 1000) }, { keyword: 'PatientBirthDate', tag: '00100030', class: 'quasi-identifier', present: Math.min(studies, 1000) }] },
      details: { protocol: 'dicomweb', scheme: 'http', roots: [{ root: '/dicom-web', status: 200 }], root: '/dicom-web', access: 'open', login: NO_LOGIN, qido: { outcome: 'success', pages: Math.ceil(Math.min(studies, 1000) / 100), studies: Math.min(studies, 1000), capped: studies > 1000 } },
    },
  ];
}

// ---- DICOM -----------------------------------------------------------------

const GUESSES = ['ORTHANC', 'DCM4CHEE', 'DCMQRSCP', 'STORESCP', 'ANY-SCP', 'CONQUESTSRV1', 'OSIRIX', 'HOROS', 'CLEARCANVAS', 'PACS'];
const REJECT_7 = { result: 1, source: 1, reason: 7, text: 'called AE title not recognised' };

function dicomDetails(over: Partial<DicomDetails>): DicomDetails {
  return {
    protocol: 'dicom', attempts: [], acceptsAnyCalledAeTitle: false, echo: { outcome: 'not-attempted' },
    find: { outcome: 'not-attempted', level: 'STUDY', matches: 0, capped: false, modalities: [] }, release: 'not-attempted', ...over,
  };
}

const PEERS = [
  { product: { name: 'DCMTK', version: '3.6.7', basis: 'implementation class UID 1.2.276.0.7230010.3.0.3.6.7', confidence: 'likely' as const }, uid: '1.2.276.0.7230010.3.0.3.6.7', name: 'OFFIS_DCMTK_367' },
  { product: { name: 'Orthanc', version: '1.12.1', basis: 'implementation version name ORTHANC_1_12_1', confidence: 'certain' as const }, uid: '1.2.826.0.1.3680043.2.1143.107.104.103.115.2.8.4', name: 'ORTHANC_1_12_1' },
  { product: { name: 'Conquest DICOM', version: '1.5.0', basis: 'implementation version name CONQUEST1.5.0', confidence: 'likely' as const }, uid: '1.2.826.0.1.3680043.2.135.1066.101', name: 'CONQUEST1.5.0' },
] as const;

function accepted(i: number, calling: string) {
  const peer = pick(PEERS, i, 29);
  return {
    product: peer.product,
    details: {
      attempts: [{ calledAeTitle: 'XQ-NO-SUCH-AE-7', callingAeTitle: calling, origin: 'unlikely' as const, outcome: 'accepted' as const }],
      acceptedCalledAeTitle: 'XQ-NO-SUCH-AE-7',
      acceptsAnyCalledAeTitle: true,
      peer: {
        implementationClassUid: peer.uid, implementationVersionName: peer.name, maxPduLength: 16384, respondingAeTitle: 'ANY-SCP',
        acceptedContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntax: '1.2.840.10008.1.2' }, { abstractSyntax: '1.2.840.10008.5.1.4.1.2.2.1', transferSyntax: '1.2.840.10008.1.2.1' }],
        rejectedContexts: [],
      },
      echo: { outcome: 'success' as const, status: 0 },
      release: 'released' as const,
    },
  };
}

function dicom(ip: string, i: number, run: 1 | 2, exposed: boolean, seed = i): Observation {
  const port = pick([104, 104, 11112, 4242], i, 30);
  const calling = 'EXPOSURE';
  const o = base('dicom', ip, port, i, run);
  if (exposed) {
    const a = accepted(i, calling);
    const matches = 1 + (mix(seed, 31) % 1000);
    const capped = matches === 1000;
    const patients = Math.ceil(matches * 0.7);
    return {
      ...o, status: 'success', product: a.product,
      exposure: { patients: count(patients, capped), studies: count(matches, capped), images: count(matches * 240, capped) },
      inventory: {
        records: matches,
        attributes: [
          { keyword: 'PatientName', tag: '00100010', class: 'direct-identifier', present: matches },
          { keyword: 'PatientID', tag: '00100020', class: 'direct-identifier', present: matches },
          { keyword: 'PatientBirthDate', tag: '00100030', class: 'quasi-identifier', present: Math.floor(matches * 0.95) },
        ],
      },
      details: dicomDetails({ ...a.details, find: { outcome: 'success', level: 'STUDY', status: capped ? 0xfe00 : 0, matches, capped, modalities: pick([['CT', 'MR'], ['CR', 'DX'], ['US'], ['CT', 'MR', 'PT']], i, 32) } }),
    };
  }
  const u = unit(i, 33);
  if (u < 0.5) {
    const attempts: AssociationAttempt[] = [{ calledAeTitle: 'XQ-NO-SUCH-AE-7', callingAeTitle: calling, origin: 'unlikely', outcome: 'rejected', reject: REJECT_7 }];
    for (const t of GUESSES) attempts.push({ calledAeTitle: t, callingAeTitle: calling, origin: 'guess-list', outcome: 'rejected', reject: REJECT_7 });
    return { ...o, status: 'rejected', details: dicomDetails({ attempts }) };
  }
  if (u < 0.7) {
    // Any called AE accepted, C-ECHO answered, but C-FIND not offered: echo only.
    const a = accepted(i, calling);
    return { ...o, status: 'success', product: a.product, details: dicomDetails({ ...a.details, find: { outcome: 'not-negotiated', level: 'STUDY', matches: 0, capped: false, modalities: [] } }) };
  }
  if (u < 0.9) {
    const attempts = [{ calledAeTitle: 'XQ-NO-SUCH-AE-7', callingAeTitle: calling, origin: 'unlikely' as const, outcome: 'timeout' as const }];
    return { ...o, status: 'io-timeout', details: dicomDetails({ attempts, release: 'timeout' }), error: { code: 'io-timeout', message: 'no A-ASSOCIATE answer within 5000 ms', phase: 'associate' } };
  }
  return { ...o, status: 'not-this-protocol', error: { code: 'NOT_DICOM', message: 'the answer to an A-ASSOCIATE-RQ is not a DICOM PDU', phase: 'associate' } };
}

// ---- hosts -----------------------------------------------------------------

/** What an exposed host shows: its images (counted from `seed`), or a lock put on since. */
type Exposure = { readonly kind: 'open'; readonly seed: number } | { readonly kind: 'locked' };

/** Orthanc on 8042 behind its login: the explorer asks for one, the REST API refuses. */
function lockedOrthanc(ip: string, i: number, run: 1 | 2): Observation[] {
  const login: WebLogin = { kind: 'basic', realm: 'Orthanc Secure Area', check: 'not-checked', attempts: 0 };
  return [
    { ...base('portal', ip, 8042, i, run), status: 'success', product: { name: 'Orthanc', basis: 'web signature orthanc-realm', confidence: 'certain' }, details: { protocol: 'portal', scheme: 'http', rootStatus: 401, matches: [{ signature: 'orthanc-realm', path: '/' }], login } },
    { ...base('orthanc', ip, 8042, i, run), status: 'rejected', details: { protocol: 'orthanc', scheme: 'http', access: 'login-required', login } },
    { ...base('dicomweb', ip, 8042, i, run), status: 'rejected', details: { protocol: 'dicomweb', scheme: 'http', roots: [{ root: '/dicom-web', status: 401 }], access: 'login-required', login, qido: { outcome: 'refused', pages: 0, studies: 0, capped: false } } },
  ];
}

/** Exposed hosts: open DICOM archives, Orthanc with DICOMweb, anonymous FTP and guest SMB shares with images; `kind` says which. */
function exposedHost(kind: HostKind, ip: string, i: number, run: 1 | 2, e: Exposure): Observation[] {
  const open = e.kind === 'open';
  const seed = open ? e.seed : i;
  switch (kind) {
    case 'dicom':
      return [dicom(ip, i, run, open, seed)];
    case 'web':
      return open ? openOrthanc(ip, i, run, 1 + (mix(seed, 35) % 3000)) : lockedOrthanc(ip, i, run);
    case 'ftp':
      return [ftp(ip, i, run, open, seed)];
    case 'smb':
      return [smb(ip, i, run, open, seed)];
    case 'exposed':
      throw new Error('an exposed host is one of the other kinds');
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** Which protocol an exposed host speaks: four in ten are DICOM archives, two Orthanc, two FTP, two SMB. */
function exposedKind(i: number): Exclude<HostKind, 'exposed'> {
  const u = unit(i, 34);
  return u < 0.4 ? 'dicom' : u < 0.6 ? 'web' : u < 0.8 ? 'ftp' : 'smb';
}

function unexposedHost(kind: Exclude<HostKind, 'exposed'>, ip: string, i: number, run: 1 | 2): Observation[] {
  switch (kind) {
    case 'ftp':
      return [ftp(ip, i, run, false)];
    case 'smb':
      return [smb(ip, i, run, false)];
    case 'web':
      return web(ip, i, run);
    case 'dicom':
      return [dicom(ip, i, run, false)];
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/**
 * What the probes saw on host `i` in a run. Hosts from `firstNew` on exist in
 * run 2 only; in run 2, a host of run 1 may be gone (an empty list), locked,
 * newly exposed (the same protocol, now open) or counted again.
 */
export function observationsOf(i: number, ip: string, run: 1 | 2, firstNew: number): Observation[] {
  const kind = baseKind(i);
  const change: Change = run === 1 || i >= firstNew ? 'same' : changeInRun2(i);
  if (change === 'gone') return [];
  if (kind !== 'exposed') return change === 'newly-exposed' ? exposedHost(kind, ip, i, run, { kind: 'open', seed: i }) : unexposedHost(kind, ip, i, run);
  const e: Exposure = change === 'locked' ? { kind: 'locked' } : { kind: 'open', seed: change === 'counts-moved' ? i + 1 : i };
  return exposedHost(exposedKind(i), ip, i, run, e);
}
