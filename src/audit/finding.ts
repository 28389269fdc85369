/**
 * What the audit concludes: which setting of which file opens which hole,
 * under the scan's own rule ids. Causes and changes are composed by us from
 * setting names and documented defaults, never from a value the file holds
 * (a RegisteredUsers password, a path, a user name that is not a vendor default).
 */
import type { Severity } from '../observation/finding.ts';

export const CONFIG_KINDS = ['orthanc', 'dcmqrscp', 'vsftpd', 'samba', 'rsyncd', 'exports', 'ganesha'] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];

export const KIND_NAMES: Readonly<Record<ConfigKind, string>> = {
  orthanc: 'Orthanc, JSON with comments',
  dcmqrscp: 'DCMTK dcmqrscp.cfg',
  vsftpd: 'vsftpd.conf',
  samba: 'Samba smb.conf',
  rsyncd: 'rsync daemon rsyncd.conf',
  exports: 'Linux NFS server /etc/exports',
  ganesha: 'nfs-ganesha ganesha.conf',
};

/** Where the hole is opened: a setting as written, or one left out whose default opens it. */
export type Place =
  | { readonly kind: 'setting'; readonly file: string; readonly line: number; readonly column: number; readonly setting: string }
  | { readonly kind: 'absent'; readonly file: string; readonly setting: string; readonly defaultValue: string };

/**
 * The scan sees some holes only through what the service holds: open C-FIND
 * returning records (EXP-DICOM-001) or nothing (EXP-DICOM-005), an anonymous
 * share with images (EXP-NAS-001) or without (EXP-NAS-003). A configuration
 * cannot tell, so the audit names the rule for a service holding images (what
 * an archive is for) and the one the scan reports while it holds none.
 */
export interface ContentDependence {
  /** The rule the scan reports instead on a service holding no images; null: none at all. */
  readonly whenEmpty: string | null;
}

export interface ConfigCause {
  readonly ruleId: string;
  readonly place: Place;
  /** What the setting does, in one sentence. */
  readonly cause: string;
  /** The change that closes the hole. */
  readonly change: string;
  readonly dependsOnContent?: ContentDependence;
}

export interface AuditFinding extends ConfigCause {
  readonly kind: ConfigKind;
  readonly title: string;
  readonly severity: Severity;
  /** The rule's own remediation, word for word the scan's. */
  readonly remediation: string;
  readonly references: readonly string[];
  readonly cwe?: string;
}

/** A parser's or a check's answer: a value, or the one problem that stops it (a line, never the file's content). */
export type Parsed<T> = { readonly ok: true; readonly value: T; readonly notes: readonly string[] } | { readonly ok: false; readonly problem: string };

export function refused<T>(problem: string): Parsed<T> {
  return { ok: false, problem };
}

export function placeOf(file: string, setting: string, at: { line: number; column: number } | undefined, defaultValue: string): Place {
  return at ? { kind: 'setting', file, line: at.line, column: at.column, setting } : { kind: 'absent', file, setting, defaultValue };
}

/** "line 12, column 3: DicomCheckCalledAet" or "absent: DicomCheckCalledAet defaults to false". */
export function placeText(p: Place): string {
  return p.kind === 'setting' ? `line ${p.line}, column ${p.column}: ${p.setting}` : `absent: ${p.setting} defaults to ${p.defaultValue}`;
}

/** Thrown inside a parser or a check for a file the product itself would refuse; caught at the file's boundary. */
export class ConfigProblem extends Error {
  override readonly name = 'ConfigProblem';
}

/** Runs a check, turning a ConfigProblem into a refusal; anything else is a bug and goes on up. */
export function guarded<T>(run: () => Parsed<T>): Parsed<T> {
  try {
    return run();
  } catch (e) {
    if (e instanceof ConfigProblem) return refused(e.message);
    throw e;
  }
}
