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
import type { Observation } from '../observation/observation.ts';
import {
  accepted,
  aeTitles,
  command,
  curlUrl,
  dcmtkPeer,
  dcmtkTls,
  dicom,
  echo,
  find,
  worklistFind,
  ftp,
  ftpListing,
  nfsExports,
  rsyncModuleListing,
  rsyncModules,
  ftpUrl,
  ftpUser,
  httpStatus,
  NoProof,
  openssl,
  orthancRest,
  portalPath,
  qido,
  smb,
  smbServer,
  smbShareListing,
  smbUser,
  target,
  urlPath,
  webAccess,
  webDetails,
  word,
  type Proof,
} from './proof-tools.ts';
import { shellWord } from './escape.ts';

export type { Proof, ProofTool } from './proof-tools.ts';

// ---------------------------------------------------------------- the table

type ProofBuilder = (o: Observation) => Proof;

const NFS_OPEN = 'Prints the export list: an export whose client list reads "(everyone)" or "*" can be mounted by any host that reaches the server.';
const CLEAR_TEXT = 'Prints an HTTP status (401 included) that came back over plain http://: the API answers in clear text, and its queries, logins and data would too.';

/** One builder per rule id that a standard tool can show; rules not here get a reason instead. */
const PROOFS: Readonly<Record<string, ProofBuilder>> = {
  'EXP-DICOM-001': (o) =>
    find(
      o,
      'Prints "Received Find Response 1 (Pending)": a study record came back to a calling AE title the server does not know. -sr keeps what the records hold off the screen; --cancel 1 stops after the first.',
    ),
  'EXP-DICOM-007': (o) =>
    worklistFind(
      o,
      'Prints "Received Find Response 1 (Pending)": a scheduled procedure step of the worklist came back to a calling AE title the server does not know. It asks only for the step\'s modality; -sr keeps the rest off the screen; --cancel 1 stops after the first.',
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
  'EXP-NAS-003': (o) =>
    o.details?.protocol === 'smb' ? smbShareListing(o) : o.details?.protocol === 'rsync' ? rsyncModuleListing(o) : o.details?.protocol === 'nfs' ? nfsExports(o, NFS_OPEN) : ftpListing(o),
  'EXP-NAS-011': rsyncModuleListing,
  'EXP-NAS-012': rsyncModules,
  'EXP-NAS-013': (o) => nfsExports(o, NFS_OPEN),
  'EXP-NAS-014': (o) => nfsExports(o, 'Prints "Export list for HOST:" and each export with the clients it is exported to, to a client nobody authenticated.'),
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
const COMPROMISE =
  'the names that matched lie in folders that may be named after patients, and a text file that matched by content may hold patient data beside what matched: no standard command shows either without showing those names or that text; the evidence gives the indicator ids to look for';

/** Rules no standard command can show without harm: writing to the owner's share, or printing names. */
const NO_COMMAND: Readonly<Record<string, string>> = {
  'EXP-NAS-004': "showing write access means writing a file; the evidence says what the server's own answers grant (and, when asked for, what the write check did)",
  'EXP-NAS-101': COMPROMISE,
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
