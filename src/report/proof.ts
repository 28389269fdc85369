/**
 * How the owner sees a finding for themselves: for one finding on one service
 * (its rule id and the service's stored observation), the command a standard
 * tool runs to show it from any machine that may reach the service — DCMTK
 * echoscu and findscu, curl, smbclient, openssl, nmap — or why there is none.
 *
 * A proof shows that something answers, never what it holds: commands print
 * statuses, counts and server settings only. Where a tool would print records
 * or names (QIDO-RS always returns PatientName; folders are often named after
 * patients), the command counts them instead of showing them.
 *
 * Commands are POSIX shell lines. Every value that came from a peer or a
 * target (AE titles, share names, paths, host names) is one quoted shell word
 * (escape.ts shellWord); a value a copied line cannot carry safely (control or
 * invisible characters) gives no command rather than an altered one.
 *
 * Pure: computed when the report model is built, never stored, so runs stored
 * before this existed get their proofs too.
 */
import { isIP } from 'node:net';
import { documentedDefault } from '../observation/default-credentials.ts';
import type { AssociationAttempt, DicomDetails, FtpDetails, Observation, SmbDetails, WebLogin } from '../observation/observation.ts';
import { shellWord } from './escape.ts';

export type ProofTool = 'echoscu' | 'findscu' | 'curl' | 'openssl' | 'smbclient' | 'nmap';

/** A command that shows the finding, and what its output shows; or why no standard command can. */
export type Proof =
  | { kind: 'command'; tool: ProofTool; command: string; shows: string }
  | { kind: 'none'; reason: string };

/** Why a proof cannot be given: thrown by the builders below, turned into `{ kind: 'none' }` by findingProof. */
class NoProof extends Error {}

// What a copied shell line cannot carry unchanged: controls and line breaks
// (reports flatten them), bidi and zero-width marks (they display differently).
const UNCARRIABLE = /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2069\uFEFF]/;

/** One shell word for a value from a peer, a target or the store. */
function word(value: string, what: string): string {
  if (UNCARRIABLE.test(value)) throw new NoProof(`${what} holds control or invisible characters that a copied command cannot carry safely`);
  return shellWord(value);
}

function command(tool: ProofTool, args: readonly string[], shows: string, tail = ''): Proof {
  return { kind: 'command', tool, command: `${[tool, ...args].join(' ')}${tail}`, shows };
}

// ---------------------------------------------------------------- the target

interface Target {
  readonly ip: string;
  readonly v6: boolean;
  readonly port: number;
  /** The name the target was given as, when it is a plain DNS name. */
  readonly name?: string;
}

const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function target(o: Observation): Target {
  const family = isIP(o.endpoint.ip);
  if (family === 0) throw new NoProof('the stored endpoint is not an IP address');
  const name = o.endpoint.hostname !== undefined && DNS_NAME.test(o.endpoint.hostname) && isIP(o.endpoint.hostname) === 0 ? o.endpoint.hostname : undefined;
  return { ip: o.endpoint.ip, v6: family === 6, port: o.endpoint.port, ...(name ? { name } : {}) };
}

/** "192.0.2.1:443", "[2001:db8::1]:443". */
function hostPort(t: Target): string {
  return t.v6 ? `[${t.ip}]:${t.port}` : `${t.ip}:${t.port}`;
}

// ---------------------------------------------------------------- DICOM (DCMTK)

function dicom(o: Observation): DicomDetails {
  if (o.details?.protocol !== 'dicom') throw new NoProof('the service holds no DICOM details');
  return o.details;
}

/** DCMTK's SCUs take a host and a port; an IPv6 literal only as a name that resolves to it. */
function dcmtkPeer(o: Observation): string[] {
  const t = target(o);
  if (t.v6) throw new NoProof("DCMTK's echoscu and findscu take no IPv6 address literal: run them with the server's host name");
  return [t.ip, String(t.port)];
}

/** PS3.15 Annex B: TLS without a client certificate (+tla); -ic because the scan, too, recorded the certificate without trusting it. */
function dcmtkTls(o: Observation): string[] {
  return o.tls ? ['+tla', '-ic'] : [];
}

function aeTitles(a: AssociationAttempt): string[] {
  return ['-aet', word(a.callingAeTitle, 'the calling AE title'), '-aec', word(a.calledAeTitle, 'the called AE title')];
}

/** The first association the peer accepted: the titles a proof repeats. */
function accepted(d: DicomDetails): AssociationAttempt {
  const a = d.attempts.find((x) => x.outcome === 'accepted');
  if (!a) throw new NoProof('no association was accepted, so no DIMSE exchange can be repeated');
  return a;
}

const TLS_NOTE = ' (+tla -ic: TLS without a client certificate, the server certificate not checked, as the scan did)';

function echo(o: Observation, a: AssociationAttempt, shows: string): Proof {
  return command('echoscu', ['-v', ...dcmtkTls(o), ...aeTitles(a), ...dcmtkPeer(o)], `${shows}${o.tls ? TLS_NOTE : ''}`);
}

/**
 * C-FIND at STUDY level (Study Root, PS3.4 C.6.2) asking only for keys that
 * name no one; -sr keeps the responses off the screen whatever the server puts
 * in them, and --cancel 1 stops after the first (PS3.4 C.4.1.2.3 C-CANCEL).
 */
function find(o: Observation, shows: string): Proof {
  const a = accepted(dicom(o));
  const keys = ['-k', 'QueryRetrieveLevel=STUDY', '-k', 'NumberOfStudyRelatedInstances', '-k', 'ModalitiesInStudy'];
  return command('findscu', ['-v', '-sr', '-S', '--cancel', '1', ...dcmtkTls(o), ...aeTitles(a), ...keys, ...dcmtkPeer(o)], `${shows}${o.tls ? TLS_NOTE : ''}`);
}

// ---------------------------------------------------------------- web (curl)

function webDetails(o: Observation) {
  const d = o.details;
  if (d?.protocol === 'portal' || d?.protocol === 'orthanc' || d?.protocol === 'dicomweb') return d;
  throw new NoProof('the service holds no web details');
}

/** A path of ours or a stored one, percent-encoded segment by segment so it is one URL path whatever it holds. */
function urlPath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

/**
 * -k where the stored certificate is known to fail verification (self-signed,
 * expired, not yet valid): that is a finding of its own, and the command is
 * about what the service answers.
 */
function curlInsecure(o: Observation, url: string): string[] {
  const c = o.tlsInfo?.certificate;
  return url.startsWith('https:') && c !== undefined && (c.selfSigned || c.expired || c.notYetValid) ? ['-k'] : [];
}

/** curl's URL arguments: --resolve keeps the given host name on the scanned address (Host header and SNI as the scan sent them). */
function curlUrl(o: Observation, scheme: string, pathAndQuery: string): string[] {
  const t = target(o);
  const host = t.name ?? (t.v6 ? `[${t.ip}]` : t.ip);
  const url = `${scheme}://${host}:${t.port}${pathAndQuery}`;
  const resolve = t.name ? ['--resolve', word(`${t.name}:${t.port}:${t.v6 ? `[${t.ip}]` : t.ip}`, 'the host name')] : [];
  // -g: brackets of an IPv6 literal are not curl's URL globbing.
  return [...resolve, ...curlInsecure(o, url), ...(/[[\]{}]/.test(url) ? ['-g'] : []), word(url, 'the URL')];
}

interface WebAccess {
  /** curl options that log in as the scan did, if it had to. */
  readonly args: string[];
  /** " with …", for the sentence of what the command shows. */
  readonly how: string;
}

/** The credential a login check found open, as curl options; the password is the vendor's documented default, never a user's secret. */
function credential(login: WebLogin, product: string | undefined): WebAccess {
  const scheme = login.kind === 'basic' ? [] : login.kind === 'digest' ? ['--digest'] : undefined;
  if (scheme === undefined) throw new NoProof(`the login is ${login.kind === 'form' ? 'an HTML form' : `of kind ${login.kind}`}: no single curl command fills it in`);
  if (login.check === 'blank-accepted') return { args: [...scheme, '-u', shellWord(':')], how: ' with a blank user name and password' };
  if (login.check !== 'default-accepted' || login.defaultUser === undefined) throw new NoProof('the login was not opened by a blank or documented default credential');
  const c = documentedDefault(login.defaultUser, product);
  if (!c) throw new NoProof(`the documented default password of user "${login.defaultUser}" is not in this version's table`);
  return {
    args: [...scheme, '-u', word(`${c.user}:${c.password}`, 'the default credential')],
    how: ` with user ${c.user} and the password ${c.product} documents as its default (${c.password})`,
  };
}

/** How the scan reached the web service: openly, with a blank or default login, or not at all. */
function webAccess(o: Observation): WebAccess {
  const d = webDetails(o);
  const open = d.protocol === 'portal' ? d.login.kind === 'none' : d.access === 'open';
  if (open) return { args: [], how: ' without credentials' };
  if (d.login.check === 'blank-accepted' || d.login.check === 'default-accepted') return credential(d.login, o.product?.name);
  throw new NoProof('the service asked for a login that no blank or documented default credential opened');
}

function scheme(o: Observation): 'http' | 'https' {
  return webDetails(o).scheme;
}

/** Orthanc REST: /statistics holds counts only; /system the server's own settings and version. */
function orthancRest(o: Observation, path: '/statistics' | '/system', shows: string): Proof {
  const access = webAccess(o);
  return command('curl', ['-sS', '--fail', ...access.args, ...curlUrl(o, scheme(o), path)], shows.replace('{how}', access.how));
}

/**
 * QIDO-RS (PS3.18 10.6) for one study. The response always carries the
 * default study attributes, PatientName and PatientID among them, whatever
 * includefield asks: so grep counts StudyInstanceUID (0020000D) keys and
 * nothing of the record reaches the screen.
 */
function qido(o: Observation, shows: string): Proof {
  const d = webDetails(o);
  if (d.protocol !== 'dicomweb' || d.root === undefined) throw new NoProof('no QIDO-RS root answered a studies query');
  const access = webAccess(o);
  const query = '/studies?limit=1&includefield=NumberOfStudyRelatedInstances&includefield=ModalitiesInStudy&fuzzymatching=false';
  const args = ['-sS', '--fail', ...access.args, '-H', shellWord('Accept: application/dicom+json'), ...curlUrl(o, d.scheme, `${urlPath(d.root)}${query}`)];
  return command('curl', args, shows.replace('{how}', access.how), ` | grep -c ${shellWord('"0020000D"')}`);
}

/** The HTTP status alone (-o /dev/null): whatever the page holds stays off the screen. */
function httpStatus(o: Observation, path: string, access: WebAccess, shows: string): Proof {
  return command('curl', ['-sS', '-o', '/dev/null', '-w', shellWord('%{http_code}\\n'), ...access.args, ...curlUrl(o, scheme(o), urlPath(path))], shows);
}

/** The path the portal fingerprint matched on, else the root. */
function portalPath(o: Observation): string {
  const d = webDetails(o);
  return d.protocol === 'portal' ? (d.matches[0]?.path ?? '/') : '/';
}

// ---------------------------------------------------------------- TLS (openssl)

function sClient(o: Observation, extra: readonly string[] = []): string[] {
  const t = target(o);
  return ['s_client', '-connect', word(hostPort(t), 'the address'), ...(t.name ? ['-servername', word(t.name, 'the host name')] : []), ...extra];
}

function openssl(o: Observation, extra: readonly string[], tail: string, shows: string): Proof {
  return command('openssl', sClient(o, extra), shows, ` </dev/null ${tail}`);
}

// ---------------------------------------------------------------- file shares

function ftp(o: Observation): FtpDetails {
  if (o.details?.protocol !== 'ftp') throw new NoProof('the service holds no FTP details');
  return o.details;
}

function smb(o: Observation): SmbDetails {
  if (o.details?.protocol !== 'smb') throw new NoProof('the service holds no SMB details');
  return o.details;
}

/** The login the walk used: anonymous (RFC 1635) or a blank user and password. */
function ftpUser(d: FtpDetails): string {
  if (d.loggedInAs === undefined) throw new NoProof('no login without a password was accepted');
  return d.loggedInAs === 'anonymous' ? 'anonymous:' : ':';
}

function ftpUrl(o: Observation): string[] {
  const t = target(o);
  const url = `ftp://${t.v6 ? `[${t.ip}]` : t.ip}:${t.port}/`;
  return [...(t.v6 ? ['-g'] : []), word(url, 'the URL')];
}

/** NLST of the top folder only, counted: folder names on imaging shares are often patients' names. */
function ftpListing(o: Observation): Proof {
  const d = ftp(o);
  const who = d.loggedInAs === 'anonymous' ? 'an anonymous login' : 'a blank user name and password';
  return command(
    'curl',
    ['-sS', '--list-only', '--user', shellWord(ftpUser(d)), ...ftpUrl(o)],
    `Prints how many names the top folder lists to ${who} (a number above 0: the share is readable without a password). Names are counted, not shown: folders on imaging shares are often named after patients.`,
    ' | wc -l',
  );
}

/** smbclient's user for the session the walk used: a null session has no user, a guest one any unknown name. */
function smbUser(d: SmbDetails): string[] {
  return ['-N', '-U', d.session === 'null-session' ? shellWord('') : 'guest'];
}

/** The server part of a UNC path, and -I for an address smbclient cannot take there. */
function smbServer(o: Observation): { unc: string; args: string[] } {
  const t = target(o);
  // An IPv6 literal in a UNC path takes Microsoft's ipv6-literal.net form; -I gives the address itself.
  if (t.v6) return { unc: `${t.ip.replace(/:/g, '-')}.ipv6-literal.net`, args: ['-I', word(t.ip, 'the address')] };
  return { unc: t.ip, args: [] };
}

function smbShareListing(o: Observation): Proof {
  const d = smb(o);
  const share = d.shares.find((s) => s.walk !== undefined && s.access === 'tree-connected');
  if (!share) throw new NoProof('no share was opened without a password');
  const server = smbServer(o);
  const who = d.session === 'null-session' ? 'a null session' : 'a guest session';
  return command(
    'smbclient',
    [...smbUser(d), word(`//${server.unc}/${share.name}`, 'the share name'), ...server.args, '-p', String(o.endpoint.port), '-c', 'ls'],
    `Prints how many entries the top folder of share "${share.name}" lists to ${who} (. and .. included; above 2: it holds files anyone can read). Names are counted, not shown: folders on imaging shares are often named after patients.`,
    ` | grep -c ${shellWord('^  ')}`,
  );
}

// ---------------------------------------------------------------- the table

type ProofBuilder = (o: Observation) => Proof;

const CLEAR_TEXT = 'Prints an HTTP status (401 included) that came back over plain http://: the API answers in clear text, and its queries, logins and data would too.';

/** One builder per rule id that a standard tool can show; rules not here get a reason instead. */
const PROOFS: Readonly<Record<string, ProofBuilder>> = {
  'EXP-DICOM-001': (o) =>
    find(
      o,
      'Prints "Received Find Response 1 (Pending)": a study record came back to a calling AE title the server does not know. -sr keeps what the records hold off the screen; --cancel 1 stops after the first.',
    ),
  'EXP-DICOM-002': (o) => {
    const a = accepted(dicom(o));
    return echo(o, a, `Prints "Association Accepted" and "Received Echo Response (Success)" for the called AE title "${a.calledAeTitle}", which no site configures: any title is accepted.`);
  },
  'EXP-DICOM-003': (o) => {
    const a = accepted(dicom(o));
    return echo(o, a, `Prints "Association Accepted" and "Received Echo Response (Success)" for "${a.calledAeTitle}", a product default AE title anyone tries first.`);
  },
  'EXP-DICOM-004': (o) => {
    const d = dicom(o);
    const a = d.attempts.find((x) => x.outcome === 'accepted');
    if (a) return echo(o, a, 'Prints "Association Accepted" and "Received Echo Response (Success)" over a plain TCP connection (no TLS option given): anyone on the path can read the exchange.');
    const last = d.attempts.at(-1);
    if (!last) throw new NoProof('no association was attempted');
    return echo(o, last, 'Prints the association\'s refusal ("Association Rejected" or "Aborted"): the DICOM upper layer answered over a plain TCP connection.');
  },
  'EXP-DICOM-005': (o) =>
    find(
      o,
      'Prints "Received Final Find Response (Success)" with no "Pending" response before it: the query was permitted to an unknown calling AE title, and any study stored later will be listed.',
    ),
  'EXP-DICOM-006': (o) => {
    const a = accepted(dicom(o));
    return command(
      'echoscu',
      ['-d', ...dcmtkTls(o), ...aeTitles(a), ...dcmtkPeer(o)],
      'Prints the "Their Implementation Class UID" and "Their Implementation Version Name" lines of the association: the version the advisories list.',
      ` 2>&1 | grep ${shellWord('Their Implementation')}`,
    );
  },
  'EXP-WEB-001': (o) =>
    qido(o, 'Prints 1: a study record came back{how}. What it holds stays off the screen (QIDO-RS always returns PatientName and PatientID): grep only counts StudyInstanceUID keys.'),
  'EXP-WEB-002': (o) => orthancRest(o, '/statistics', 'Prints the server\'s counts (CountPatients, CountStudies, CountInstances …) answered{how}: the REST API, and all it holds, is open.'),
  'EXP-WEB-003': (o) => {
    const d = webDetails(o);
    const stats = d.protocol === 'orthanc' && d.statistics !== undefined;
    return orthancRest(o, stats ? '/statistics' : '/system', `Prints the server's ${stats ? 'counts' : 'settings and version'} answered{how}: the REST API is open to anyone.`);
  },
  'EXP-WEB-004': (o) => {
    const d = webDetails(o);
    switch (d.protocol) {
      case 'orthanc':
        return orthancRest(o, d.statistics ? '/statistics' : '/system', `Prints the server's ${d.statistics ? 'counts' : 'settings and version'}, answered{how}: the login protects nothing.`);
      case 'dicomweb':
        return qido(o, 'Prints 1: a study record came back{how}, so the login protects nothing. What it holds stays off the screen: grep only counts StudyInstanceUID keys.');
      case 'portal': {
        // Orthanc's portal and REST API share the port: its counts say more than a status code.
        if (o.product?.name === 'Orthanc') return orthancRest(o, '/statistics', "Prints the server's counts, answered{how}: the login protects nothing.");
        const access = webAccess(o);
        return httpStatus(o, portalPath(o), access, `Prints a status other than 401 (200, or a redirect into the application)${access.how}: the login protects nothing.`);
      }
      default: {
        const never: never = d;
        return never;
      }
    }
  },
  'EXP-WEB-005': (o) =>
    command(
      'curl',
      ['-sS', '-o', '/dev/null', '-D', '-', ...curlUrl(o, 'http', urlPath(portalPath(o)))],
      'Prints the response headers (for an HTTP login, its WWW-Authenticate challenge) as they came back over plain http://: a password typed there crosses the network in clear text.',
    ),
  'EXP-WEB-006': (o) => {
    if (o.product?.name !== 'Orthanc') throw new NoProof(`the version was read from ${o.product?.name ?? 'the product'}'s own pages, which no single standard command reads`);
    return orthancRest(o, '/system', 'Prints the server\'s settings, answered{how}: its "Version" line is the version the advisories list.');
  },
  'EXP-WEB-007': (o) => httpStatus(o, portalPath(o), { args: [], how: '' }, 'Prints 200: the page answers without a login. What it shows stays off the screen (-o /dev/null).'),
  'EXP-TLS-001': (o) =>
    openssl(
      o,
      [],
      '2>/dev/null | openssl x509 -noout -enddate -checkend 0',
      'Prints the certificate\'s "notAfter=" date, in the past, and "Certificate will expire" (openssl\'s wording for a certificate not valid 0 seconds from now).',
    ),
  'EXP-TLS-002': (o) => openssl(o, [], `2>&1 | grep ${shellWord('Verify return code')}`, 'Prints "Verify return code: 18 (self-signed certificate)" (or 19, a self-signed certificate in the chain).'),
  'EXP-TLS-003': (o) => {
    const d = webDetails(o);
    const path = d.protocol === 'orthanc' ? '/system' : d.protocol === 'dicomweb' && d.root !== undefined ? `${d.root}/studies` : '/';
    return httpStatus(o, path, { args: [], how: '' }, CLEAR_TEXT);
  },
  'EXP-TLS-004': (o) => {
    const version = o.tlsInfo?.version;
    const flag = version === 'TLSv1' ? '-tls1' : version === 'TLSv1.1' ? '-tls1_1' : undefined;
    if (!flag) throw new NoProof(`current OpenSSL builds cannot offer ${version ?? 'that protocol version'} at all`);
    return openssl(
      o,
      [flag, '-cipher', shellWord('DEFAULT:@SECLEVEL=0')],
      `2>&1 | grep ${shellWord('Protocol *:')}`,
      `Prints "Protocol  : ${version}": the server still completes a ${version} handshake (SECLEVEL=0 lets this OpenSSL offer it at all).`,
    );
  },
  'EXP-TLS-005': (o) => openssl(o, [], `2>&1 | grep ${shellWord('Server public key')}`, `Prints "Server public key is ${o.tlsInfo?.certificate?.keyBits ?? 'N'} bit": under the 2048 bits RSA needs.`),
  'EXP-NAS-001': ftpListing,
  'EXP-NAS-002': smbShareListing,
  'EXP-NAS-003': (o) => (o.details?.protocol === 'smb' ? smbShareListing(o) : ftpListing(o)),
  'EXP-NAS-005': (o) => {
    const t = target(o);
    return command(
      'nmap',
      [...(t.v6 ? ['-6'] : []), '-Pn', '-p', String(t.port), '--script', 'smb2-security-mode', t.ip],
      'Prints "Message signing enabled but not required" under smb2-security-mode.',
    );
  },
  'EXP-NAS-006': (o) =>
    command(
      'curl',
      ['-sS', '--ssl-reqd', '--list-only', '--user', shellWord(ftpUser(ftp(o))), '-o', '/dev/null', ...ftpUrl(o)],
      'Fails with "curl: (64) Requested SSL level failed": the server offers no AUTH TLS, so logins and files cross the network in clear text. (Once it does, the command prints nothing and exits 0.)',
    ),
  'EXP-NAS-007': (o) => {
    const d = smb(o);
    const server = smbServer(o);
    return command(
      'smbclient',
      [...smbUser(d), '-L', word(`//${server.unc}`, 'the address'), ...server.args, '-p', String(o.endpoint.port)],
      `Prints the server's list of shares (Sharename, Type, Comment), given to ${d.session === 'null-session' ? 'a null session' : 'a guest session'}.`,
    );
  },
};

const INDICATORS = 'the names that matched lie in folders that may be named after patients, and no standard command shows them without showing those names; the evidence gives the indicator ids to look for';

/** Rules no standard command can show without harm: writing to the owner's share, or printing names. */
const NO_COMMAND: Readonly<Record<string, string>> = {
  'EXP-NAS-004': "showing write access means writing a file; the evidence says what the server's own answers grant (and, when asked for, what the write check did)",
  'EXP-NAS-101': INDICATORS,
  'EXP-NAS-102': INDICATORS,
};

/** The proof of one finding on one service. Never throws: what cannot be shown says why. */
export function findingProof(ruleId: string, o: Observation): Proof {
  const reason = NO_COMMAND[ruleId];
  if (reason !== undefined) return { kind: 'none', reason };
  const build = PROOFS[ruleId];
  if (!build) return { kind: 'none', reason: 'no standard command is known for this rule' };
  try {
    return build(o);
  } catch (e) {
    if (e instanceof NoProof) return { kind: 'none', reason: e.message };
    throw e;
  }
}

/** Rule ids a command is built for (an observation that lacks what the command needs still gets a reason instead). */
export const RULES_WITH_PROOF: readonly string[] = Object.keys(PROOFS);

/** Rule ids that never get a command, whatever the observation. */
export const RULES_WITHOUT_PROOF: readonly string[] = Object.keys(NO_COMMAND);

/** One line for a table cell: the command, or "no command: " and why. */
export function proofLine(p: Proof): string {
  return p.kind === 'command' ? p.command : `no command: ${p.reason}`;
}
