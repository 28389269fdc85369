/**
 * The command lines of the tools an owner has, as the proofs (proof.ts) use
 * them: DCMTK echoscu and findscu, curl, openssl s_client, smbclient, nmap, rsync, showmount;
 * the target's address in each one's syntax, the login the scan used, and
 * every value that came from a peer, a target or the store as one shell word.
 * A builder that cannot give a faithful command throws NoProof with the reason.
 */
import { isIP } from 'node:net';
import { documentedDefault } from '../observation/default-credentials.ts';
import type { AssociationAttempt, DicomDetails, FtpDetails, Observation, SmbDetails, WebLogin } from '../observation/observation.ts';
import { shellWord } from './escape.ts';

export type ProofTool = 'echoscu' | 'findscu' | 'curl' | 'openssl' | 'smbclient' | 'nmap' | 'rsync' | 'showmount';

/** A command that shows the finding, and what its output shows; or why no standard command can. */
export type Proof =
  | { kind: 'command'; tool: ProofTool; command: string; shows: string }
  | { kind: 'none'; reason: string };

/** Why a proof cannot be given: thrown by the builders here and in proof.ts, turned into `{ kind: 'none' }` by findingProof. */
export class NoProof extends Error {}

// What a copied shell line cannot carry unchanged: controls and line breaks
// (reports flatten them), bidi and zero-width marks (they display differently).
const UNCARRIABLE = /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2069\uFEFF]/;

/** One shell word for a value from a peer, a target or the store. */
export function word(value: string, what: string): string {
  if (UNCARRIABLE.test(value)) throw new NoProof(`${what} holds control or invisible characters that a copied command cannot carry safely`);
  return shellWord(value);
}

/** The tool and its arguments (each already one shell word), then `tail`: a redirection or a pipe into grep, wc or openssl. */
export function command(tool: ProofTool, args: readonly string[], shows: string, tail = ''): Proof {
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

export function target(o: Observation): Target {
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

export function dicom(o: Observation): DicomDetails {
  if (o.details?.protocol !== 'dicom') throw new NoProof('the service holds no DICOM details');
  return o.details;
}

/** DCMTK's SCUs take a host and a port; an IPv6 literal only as a name that resolves to it. */
export function dcmtkPeer(o: Observation): string[] {
  const t = target(o);
  if (t.v6) throw new NoProof("DCMTK's echoscu and findscu take no IPv6 address literal: run them with the server's host name");
  return [t.ip, String(t.port)];
}

/** PS3.15 Annex B: TLS without a client certificate (+tla); -ic because the scan, too, recorded the certificate without trusting it. */
export function dcmtkTls(o: Observation): string[] {
  return o.tls ? ['+tla', '-ic'] : [];
}

export function aeTitles(a: AssociationAttempt): string[] {
  return ['-aet', word(a.callingAeTitle, 'the calling AE title'), '-aec', word(a.calledAeTitle, 'the called AE title')];
}

/** The first association the peer accepted: the titles a proof repeats. */
export function accepted(d: DicomDetails): AssociationAttempt {
  const a = d.attempts.find((x) => x.outcome === 'accepted');
  if (!a) throw new NoProof('no association was accepted, so no DIMSE exchange can be repeated');
  return a;
}

const TLS_NOTE = ' (+tla -ic: TLS without a client certificate, the server certificate not checked, as the scan did)';

export function echo(o: Observation, a: AssociationAttempt, shows: string): Proof {
  return command('echoscu', ['-v', ...dcmtkTls(o), ...aeTitles(a), ...dcmtkPeer(o)], `${shows}${o.tls ? TLS_NOTE : ''}`);
}

/**
 * C-FIND at STUDY level (Study Root, PS3.4 C.6.2) asking only for keys that
 * name no one; -sr keeps the responses off the screen whatever the server puts
 * in them, and --cancel 1 stops after the first (PS3.4 C.4.1.2.3 C-CANCEL).
 */
export function find(o: Observation, shows: string): Proof {
  const a = accepted(dicom(o));
  const keys = ['-k', 'QueryRetrieveLevel=STUDY', '-k', 'NumberOfStudyRelatedInstances', '-k', 'ModalitiesInStudy'];
  return command('findscu', ['-v', '-sr', '-S', '--cancel', '1', ...dcmtkTls(o), ...aeTitles(a), ...keys, ...dcmtkPeer(o)], `${shows}${o.tls ? TLS_NOTE : ''}`);
}

/**
 * findscu on the Modality Worklist model (-W): one scheduled procedure step,
 * asking only for its modality, which names no one.
 */
export function worklistFind(o: Observation, shows: string): Proof {
  const a = accepted(dicom(o));
  const keys = ['-k', 'ScheduledProcedureStepSequence[0].Modality'];
  return command('findscu', ['-v', '-sr', '-W', '--cancel', '1', ...dcmtkTls(o), ...aeTitles(a), ...keys, ...dcmtkPeer(o)], `${shows}${o.tls ? TLS_NOTE : ''}`);
}

// ---------------------------------------------------------------- web (curl)

export function webDetails(o: Observation) {
  const d = o.details;
  if (d?.protocol === 'portal' || d?.protocol === 'orthanc' || d?.protocol === 'dicomweb') return d;
  throw new NoProof('the service holds no web details');
}

/** A path of ours or a stored one, percent-encoded segment by segment so it is one URL path whatever it holds. */
export function urlPath(path: string): string {
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
export function curlUrl(o: Observation, scheme: string, pathAndQuery: string): string[] {
  const t = target(o);
  const host = t.name ?? (t.v6 ? `[${t.ip}]` : t.ip);
  const url = `${scheme}://${host}:${t.port}${pathAndQuery}`;
  const resolve = t.name ? ['--resolve', word(`${t.name}:${t.port}:${t.v6 ? `[${t.ip}]` : t.ip}`, 'the host name')] : [];
  // -g: brackets of an IPv6 literal are not curl's URL globbing.
  return [...resolve, ...curlInsecure(o, url), ...(/[[\]{}]/.test(url) ? ['-g'] : []), word(url, 'the URL')];
}

export interface WebAccess {
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
export function webAccess(o: Observation): WebAccess {
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
export function orthancRest(o: Observation, path: '/statistics' | '/system', shows: string): Proof {
  const access = webAccess(o);
  return command('curl', ['-sS', '--fail', ...access.args, ...curlUrl(o, scheme(o), path)], shows.replace('{how}', access.how));
}

/**
 * QIDO-RS (PS3.18 10.6) for one study. The response always carries the
 * default study attributes, PatientName and PatientID among them, whatever
 * includefield asks: so grep counts StudyInstanceUID (0020000D) keys and
 * nothing of the record reaches the screen.
 */
export function qido(o: Observation, shows: string): Proof {
  const d = webDetails(o);
  if (d.protocol !== 'dicomweb' || d.root === undefined) throw new NoProof('no QIDO-RS root answered a studies query');
  const access = webAccess(o);
  const query = '/studies?limit=1&includefield=NumberOfStudyRelatedInstances&includefield=ModalitiesInStudy&fuzzymatching=false';
  const args = ['-sS', '--fail', ...access.args, '-H', shellWord('Accept: application/dicom+json'), ...curlUrl(o, d.scheme, `${urlPath(d.root)}${query}`)];
  return command('curl', args, shows.replace('{how}', access.how), ` | grep -c ${shellWord('"0020000D"')}`);
}

/** The HTTP status alone (-o /dev/null): whatever the page holds stays off the screen. */
export function httpStatus(o: Observation, path: string, access: WebAccess, shows: string): Proof {
  return command('curl', ['-sS', '-o', '/dev/null', '-w', shellWord('%{http_code}\\n'), ...access.args, ...curlUrl(o, scheme(o), urlPath(path))], shows);
}

/** The path the portal fingerprint matched on, else the root. */
export function portalPath(o: Observation): string {
  const d = webDetails(o);
  return d.protocol === 'portal' ? (d.matches[0]?.path ?? '/') : '/';
}

// ---------------------------------------------------------------- TLS (openssl)

function sClient(o: Observation, extra: readonly string[] = []): string[] {
  const t = target(o);
  return ['s_client', '-connect', word(hostPort(t), 'the address'), ...(t.name ? ['-servername', word(t.name, 'the host name')] : []), ...extra];
}

export function openssl(o: Observation, extra: readonly string[], tail: string, shows: string): Proof {
  return command('openssl', sClient(o, extra), shows, ` </dev/null ${tail}`);
}

// ---------------------------------------------------------------- file shares

export function ftp(o: Observation): FtpDetails {
  if (o.details?.protocol !== 'ftp') throw new NoProof('the service holds no FTP details');
  return o.details;
}

export function smb(o: Observation): SmbDetails {
  if (o.details?.protocol !== 'smb') throw new NoProof('the service holds no SMB details');
  return o.details;
}

/** The login the walk used: anonymous (RFC 1635) or a blank user and password. */
export function ftpUser(d: FtpDetails): string {
  if (d.loggedInAs === undefined) throw new NoProof('no login without a password was accepted');
  return d.loggedInAs === 'anonymous' ? 'anonymous:' : ':';
}

export function ftpUrl(o: Observation): string[] {
  const t = target(o);
  const url = `ftp://${t.v6 ? `[${t.ip}]` : t.ip}:${t.port}/`;
  return [...(t.v6 ? ['-g'] : []), word(url, 'the URL')];
}

function rsync(o: Observation) {
  const d = o.details;
  if (d?.protocol === 'rsync') return d;
  throw new NoProof('the service holds no rsync details');
}

/** rsync://HOST:PORT/ or rsync://HOST:PORT/MODULE/ (the module name as the daemon listed it). */
function rsyncUrl(o: Observation, module?: string): string {
  const t = target(o);
  if (module !== undefined && !/^[A-Za-z0-9._-]{1,80}$/.test(module)) throw new NoProof('the module name holds characters a copied URL cannot carry safely');
  return word(`rsync://${t.v6 ? `[${t.ip}]` : t.ip}:${t.port}/${module === undefined ? '' : `${module}/`}`, 'the URL');
}

/** The daemon's module list, counted: what anyone who asks is told. */
export function rsyncModules(o: Observation): Proof {
  rsync(o);
  return command('rsync', ['--list-only', rsyncUrl(o)], 'Prints how many modules the daemon lists to anyone who asks (a number above 0: the list is readable without a login).', ' | wc -l');
}

/** The top folder of the first anonymous module that held DICOM files, counted, never named. */
export function rsyncModuleListing(o: Observation): Proof {
  const { modules } = rsync(o);
  const m = modules.find((x) => x.access === 'anonymous' && (x.walk?.dicomFiles ?? 0) > 0) ?? modules.find((x) => x.access === 'anonymous');
  if (!m) throw new NoProof('no module was read without a login');
  return command(
    'rsync',
    ['--list-only', rsyncUrl(o, m.name)],
    'Prints how many entries the module\'s top folder lists without a login (a number above 1: it is readable by anyone). Names are counted, not shown: folders on imaging shares are often named after patients.',
    ' | wc -l',
  );
}

/**
 * MOUNT's export list as showmount(8) asks for it: through the port mapper
 * on 111, which showmount cannot be told to find elsewhere. Export paths and
 * client lists are administrators' words, kept in the report already; no
 * standard command counts an export's files without mounting it (root) or
 * printing their names, so the list is the proof.
 */
export function nfsExports(o: Observation, shows: string): Proof {
  if (o.details?.protocol !== 'nfs') throw new NoProof('the service holds no NFS details');
  const t = target(o);
  if (t.port !== 111) throw new NoProof('showmount reaches MOUNT only through a port mapper on port 111');
  return command('showmount', ['-e', word(t.ip, 'the address')], shows);
}

/** NLST of the top folder only, counted: folder names on imaging shares are often patients' names. */
export function ftpListing(o: Observation): Proof {
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
export function smbUser(d: SmbDetails): string[] {
  return ['-N', '-U', d.session === 'null-session' ? shellWord('') : 'guest'];
}

/** The server part of a UNC path, and -I for an address smbclient cannot take there. */
export function smbServer(o: Observation): { unc: string; args: string[] } {
  const t = target(o);
  // An IPv6 literal in a UNC path takes Microsoft's ipv6-literal.net form; -I gives the address itself.
  if (t.v6) return { unc: `${t.ip.replace(/:/g, '-')}.ipv6-literal.net`, args: ['-I', word(t.ip, 'the address')] };
  return { unc: t.ip, args: [] };
}

export function smbShareListing(o: Observation): Proof {
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

