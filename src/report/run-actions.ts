/**
 * What a scan did to the services it met, from the parameters its run
 * recorded (scan/run-parameters.ts stores them in the run's meta options):
 * the probes that ran, the logins tried, the caps on what was read, whether
 * anything was written. A notification letter lists these steps under "What
 * was done", so its reader knows exactly what touched their systems.
 *
 * The report layer reads the store only, not the scan's code: it reads the
 * record with a schema of the few fields it needs. A test keeps the two in
 * step (test/report/run-actions.test.ts).
 */
import { z } from 'zod';
import { counted } from '../observation/count.ts';
import { PROTOCOL_IDS, ProtocolId } from '../observation/observation.ts';
import { grouped } from './numbers.ts';
import { WEB_PROTOCOLS } from './protocol-groups.ts';

/** The key of a run's meta options that holds its recorded parameters (scan/run-parameters.ts PARAMETERS_KEY). */
const PARAMETERS_KEY = 'parameters';

const Whole = z.number().int().nonnegative();

/** The bounds of an FTP or SMB walk the letter names, as the parameters record them (each a whole number). */
const WALK_BOUNDS = ['maxDepth', 'maxDirectories', 'maxEntries', 'maxHeaderSamples', 'maxHeaderBytes', 'walkTimeMs'] as const;
type WalkBounds = Record<(typeof WALK_BOUNDS)[number], number>;
const WalkBoundsShape = Object.fromEntries(WALK_BOUNDS.map((k) => [k, Whole])) as Record<(typeof WALK_BOUNDS)[number], typeof Whole>;

const Recorded = z.object({
  probes: z.array(ProtocolId).min(1).optional(),
  checkLogins: z.boolean(),
  dicom: z.object({ aeTitles: z.array(z.string()), guessList: z.boolean() }),
  fileWalk: z.object({ ...WalkBoundsShape, checkWrite: z.boolean() }),
  limits: z.object({ maxRecords: Whole }),
  contentRead: z.object({ maxFiles: Whole, maxBytes: Whole }).optional(),
});

/** What the scan was set to do: the facts the letter's "What was done" is written from. */
export interface RunActions {
  /** The probes that ran, in the order of the result schema's protocol list; every probe when the run named none. */
  probes: ProtocolId[];
  /** A blank and the vendors' documented default credentials were tried on web logins (--check-logins). */
  checkLogins: boolean;
  /** Called AE titles the user gave (--ae-titles), tried after an unlikely one. */
  aeTitles: string[];
  /** The products' default called AE titles were tried as well. */
  aeGuessList: boolean;
  /** Records read at most from one service (C-FIND matches, QIDO-RS studies): --max-records. */
  maxRecords: number;
  /** Bounds of an FTP or SMB walk and of the file headers read: maxDepth, maxDirectories, maxEntries, maxHeaderSamples, maxHeaderBytes, walkTimeMs. */
  fileWalk: WalkBounds;
  /** One empty, uniquely named file created and removed on writable shares (--check-write). */
  checkWrite: boolean;
  /** The content read's bounds (text files per share, bytes of each); absent for runs recorded before it. */
  contentRead?: { maxFiles: number; maxBytes: number };
}

/** The run's actions from its meta options; undefined when it recorded no parameters this reader understands. */
export function runActions(options: Readonly<Record<string, unknown>>): RunActions | undefined {
  const parsed = Recorded.safeParse(options[PARAMETERS_KEY]);
  if (!parsed.success) return undefined;
  const p = parsed.data;
  const { checkWrite, ...fileWalk } = p.fileWalk;
  return {
    probes: PROTOCOL_IDS.filter((id) => p.probes === undefined || p.probes.includes(id)),
    checkLogins: p.checkLogins,
    aeTitles: [...p.dicom.aeTitles],
    aeGuessList: p.dicom.guessList,
    maxRecords: p.limits.maxRecords,
    fileWalk,
    checkWrite,
    ...(p.contentRead ? { contentRead: { ...p.contentRead } } : {}),
  };
}

function kib(bytes: number): string {
  return bytes % 1024 === 0 ? `${grouped(bytes / 1024)} KiB` : counted(bytes, 'byte', undefined, grouped);
}

function dicomSteps(a: RunActions, callingAeTitle: string): string {
  const titles = [
    'first an unlikely called AE title (to see whether any is accepted)',
    ...(a.aeTitles.length > 0 ? [`then the titles given: ${a.aeTitles.join(', ')}`] : []),
    ...(a.aeGuessList ? ["then a short list of products' default titles"] : []),
  ];
  return (
    `DICOM: asked for an association (A-ASSOCIATE-RQ) as calling AE title ${callingAeTitle}, ${titles.join(', ')}; ` +
    `sent C-ECHO; sent one Study Root C-FIND at study level and counted the answers, stopping with C-CANCEL at ${counted(a.maxRecords, 'record', undefined, grouped)}; ` +
    'where the same association accepted Modality Worklist, sent one worklist C-FIND, counted and capped the same way; released the association.'
  );
}

/** The content read, when the run recorded its bounds: what was read, in memory, and the only thing kept of it. */
function contentSteps(c: NonNullable<RunActions['contentRead']>): string {
  return (
    `On the same shares: read in memory the first ${kib(c.maxBytes)} of at most ${counted(c.maxFiles, 'small text file', undefined, grouped)} per share ` +
    '(notes, configuration files) and matched them against a table of miner, malware and ransom-note indicators; only the ids of the indicators found were kept, never the text or a file name.'
  );
}

function walkSteps(a: RunActions): string {
  const w = a.fileWalk;
  return (
    `On shares that let us in: listed folders (at most ${counted(w.maxDepth, 'level')} deep, ${counted(w.maxDirectories, 'folder', undefined, grouped)}, ` +
    `${counted(w.maxEntries, 'entry', 'entries', grouped)}, ${grouped(Math.round(w.walkTimeMs / 1000))} s) and read the first bytes of at most ` +
    `${counted(w.maxHeaderSamples, 'file', undefined, grouped)} (up to ${kib(w.maxHeaderBytes)} each, stopping before pixel data) to recognise DICOM headers.`
  );
}

/**
 * The letter's "What was done", one step a line (raw text: the caller
 * escapes it). Without recorded parameters, one line says so and names the
 * steps every probe may take.
 */
export function actionLines(actions: RunActions | undefined, run: { ports: readonly number[]; scanner: { callingAeTitle: string } }): string[] {
  const lines = [`Connected over TCP to ${run.ports.length === 1 ? 'port' : 'ports'} ${run.ports.join(', ')} of each address in scope.`];
  if (!actions) {
    lines.push(
      'This run did not record its parameters (an older Exposure): it may have asked for a DICOM association, sent C-ECHO and a study-level C-FIND, ' +
        'read web pages and APIs, and logged in to FTP and SMB shares anonymously or as a guest, each as its version did.',
    );
    return [...lines, NOTHING_KEPT];
  }
  const has = (id: ProtocolId): boolean => actions.probes.includes(id);
  if (has('dicom')) lines.push(dicomSteps(actions, run.scanner.callingAeTitle));
  if (has('dicom-tls')) lines.push('DICOM over TLS (PS3.15 Annex B): completed a TLS handshake and recorded the certificate without trusting it, then took the same DICOM steps inside.');
  if (has('portal')) lines.push('Web portals: fetched the root page and, until a product matched, a few fixed paths (GET), to name the product and the login in front of it.');
  if (has('orthanc')) lines.push('Orthanc REST API: GET /system and GET /statistics (version and counts only, no listing).');
  if (has('dicomweb')) lines.push(`DICOMweb: QIDO-RS studies queries (GET …/studies) on the usual roots, reading at most ${counted(actions.maxRecords, 'study', 'studies', grouped)}.`);
  if (WEB_PROTOCOLS.some(has)) {
    lines.push(
      actions.checkLogins
        ? "Web logins (--check-logins): tried a blank user name and password, then the vendors' documented default accounts, a handful at most; no other password was guessed."
        : 'Web logins: none tried (no --check-logins); a login was recorded, not tested.',
    );
  }
  if (has('ftp')) lines.push('FTP: read the greeting and FEAT, then tried an anonymous login, then a blank one.');
  if (has('smb')) lines.push('SMB: negotiated SMB2, opened a null session and a guest session, listed the shares (srvsvc, else a few common names) and connected to the disk shares.');
  // 16: probes/rsync MAX_MODULES_WALKED (a report may not import probes/; test/report/run-actions.test.ts holds them equal).
  if (has('rsync')) lines.push("rsync: read the daemon's greeting and module list, and asked each listed module, 16 at most, for its file list without a user name or secret; a module that asked for one was left alone.");
  if (has('nfs')) {
    lines.push(
      "NFS: asked the port mapper where MOUNT and NFS listen, read MOUNT's export list, and mounted only the exports open to every client, read-only, as an unprivileged user " +
        '(nobody, uid 65534, when the scanner ran as root; never root); walked them over NFSv3 and unmounted each after (UMNT).',
    );
  }
  if (has('ftp') || has('smb') || has('rsync') || has('nfs')) {
    lines.push(walkSteps(actions));
    if (actions.contentRead) lines.push(contentSteps(actions.contentRead));
    // The write check is FTP's and SMB's: rsync modules and NFS exports are never written to.
    const writeChecked = actions.checkWrite && (has('ftp') || has('smb'));
    lines.push(
      writeChecked
        ? 'Write check (--check-write): created one empty, uniquely named file on FTP and SMB shares that said they were writable, and removed it at once.'
        : `Nothing was written: no file was created, changed or deleted (${actions.checkWrite ? '--check-write writes only on FTP and SMB shares' : 'no --check-write'}).`,
    );
  }
  return [...lines, NOTHING_KEPT];
}

const NOTHING_KEPT =
  'No image was retrieved (no C-GET, C-MOVE or WADO retrieve), and no patient name, identifier, date or other value was kept: only counts and the names of the attributes that came back.';
