/**
 * `exposure audit`'s core, pure: file contents in, findings out. Each file is
 * decoded and bounded, its kind found, parsed by its product's rules and
 * checked; a file the product would refuse is refused here with one line.
 * Orthanc files of one folder are one configuration, as Orthanc reads a folder.
 */
import { dirname } from 'node:path';
import { severityRank } from '../observation/finding.ts';
import { checkDcmqrscp, parseDcmqrscp } from './dcmqrscp.ts';
import { parseExports } from './exports.ts';
import { guarded, KIND_NAMES, type AuditFinding, type ConfigCause, type ConfigKind, type Parsed } from './finding.ts';
import { ganeshaExports, parseGanesha } from './ganesha.ts';
import { parseJsonc } from './jsonc.ts';
import { detectKind } from './kind.ts';
import { DEFAULT_AUDIT_LIMITS, type AuditLimits } from './limits.ts';
import { checkOrthanc, mergeOrthanc, type OrthancFile } from './orthanc.ts';
import { checkNfs } from './nfs.ts';
import { checkRsyncd } from './rsyncd.ts';
import { ruleText } from './rules.ts';
import { checkSamba } from './samba.ts';
import { parseSmbConf, RSYNC } from './smb-conf.ts';
import { configText, type ConfigText } from './text.ts';
import { checkVsftpd, parseVsftpd } from './vsftpd.ts';

/** A file as the command line found it: its bytes, or why it could not be read. */
export type AuditInput = { readonly file: string; readonly bytes: Uint8Array } | { readonly file: string; readonly problem: string };

export interface AuditOptions {
  /** Every file is of this kind (--kind), instead of detected. */
  readonly kind?: ConfigKind;
  readonly limits?: AuditLimits;
}

export type FileOutcome =
  | { readonly file: string; readonly status: 'audited'; readonly kind: ConfigKind; readonly notes: readonly string[] }
  | { readonly file: string; readonly status: 'refused'; readonly kind?: ConfigKind; readonly problem: string };

export interface AuditReport {
  readonly files: readonly FileOutcome[];
  /** Most severe first, then by file and line. */
  readonly findings: readonly AuditFinding[];
}

interface Readable {
  readonly file: string;
  readonly kind: ConfigKind;
  readonly text: ConfigText;
}

type Audited = Parsed<ConfigCause[]>;

const audited = (causes: ConfigCause[], notes: readonly string[] = []): Audited => ({ ok: true, value: causes, notes });

function auditOne(r: Readable & { readonly kind: Exclude<ConfigKind, 'orthanc'> }, limits: AuditLimits): Audited {
  return guarded((): Audited => {
    switch (r.kind) {
      case 'dcmqrscp':
        return audited(checkDcmqrscp(r.file, parseDcmqrscp(r.text, limits)));
      case 'vsftpd':
        return audited(checkVsftpd(r.file, parseVsftpd(r.text, limits)));
      case 'samba': {
        const cfg = parseSmbConf(r.text, limits);
        return audited(checkSamba(r.file, cfg), cfg.notes);
      }
      case 'rsyncd': {
        const cfg = parseSmbConf(r.text, limits, RSYNC);
        const check = checkRsyncd(r.file, cfg);
        return audited(check.causes, [...cfg.notes, ...check.notes]);
      }
      case 'exports': {
        const check = checkNfs(r.file, parseExports(r.text, limits));
        return audited(check.causes, check.notes);
      }
      case 'ganesha': {
        const { root, notes } = parseGanesha(r.text, limits);
        const check = checkNfs(r.file, ganeshaExports(root));
        return audited(check.causes, [...notes, ...check.notes]);
      }
    }
  });
}

/** One folder's Orthanc files: any refused file makes the folder one Orthanc would not start with. */
function auditOrthanc(group: readonly Readable[], limits: AuditLimits): Map<string, Audited> {
  const out = new Map<string, Audited>();
  const files: OrthancFile[] = [];
  for (const r of group) {
    const root = parseJsonc(r.text, limits);
    if (!root.ok) out.set(r.file, root);
    else files.push({ name: r.file, text: r.text, root: root.value });
  }
  const broken = [...out.keys()];
  if (broken.length > 0) {
    for (const f of files) out.set(f.name, { ok: false, problem: `not audited: ${broken[0]} in the same folder is refused, and Orthanc reads a folder as one configuration` });
    return out;
  }
  const result = guarded((): Audited => {
    const audit = checkOrthanc(mergeOrthanc(files, limits));
    return audited(audit.causes, audit.notes);
  });
  // Findings and notes are the folder's: reported under its first file; a refusal under every file.
  group.forEach((r, i) => out.set(r.file, result.ok && i > 0 ? audited([]) : result));
  return out;
}

function finding(kind: ConfigKind, c: ConfigCause): AuditFinding {
  const r = ruleText(c.ruleId);
  return { ...c, kind, title: r.title, severity: r.severity, remediation: r.remediation, references: [...r.references], ...(r.cwe ? { cwe: r.cwe } : {}) };
}

function lineOf(f: AuditFinding): number {
  return f.place.kind === 'setting' ? f.place.line : 0;
}

export function auditConfigs(inputs: readonly AuditInput[], options: AuditOptions = {}): AuditReport {
  const limits = options.limits ?? DEFAULT_AUDIT_LIMITS;
  const outcomes = new Map<string, FileOutcome>();
  const readable: Readable[] = [];
  for (const input of inputs) {
    if ('problem' in input) {
      outcomes.set(input.file, { file: input.file, status: 'refused', problem: input.problem });
      continue;
    }
    const text = configText(input.bytes, limits);
    if (!text.ok) {
      outcomes.set(input.file, { file: input.file, status: 'refused', problem: text.problem });
      continue;
    }
    const kind = options.kind ?? detectKind(input.file, text.value.text);
    if (!kind) {
      outcomes.set(input.file, { file: input.file, status: 'refused', problem: `cannot tell which product it configures: give --kind (${Object.keys(KIND_NAMES).join(', ')})` });
      continue;
    }
    readable.push({ file: input.file, kind, text: text.value });
  }
  const results = new Map<string, Audited>();
  const folders = new Map<string, Readable[]>();
  for (const r of readable) {
    const kind = r.kind;
    if (kind === 'orthanc') folders.set(dirname(r.file), [...(folders.get(dirname(r.file)) ?? []), r]);
    else results.set(r.file, auditOne({ ...r, kind }, limits));
  }
  for (const group of folders.values()) for (const [file, a] of auditOrthanc(group, limits)) results.set(file, a);
  const findings: AuditFinding[] = [];
  const seen = new Set<string>();
  for (const r of readable) {
    const a = results.get(r.file)!;
    if (!a.ok) {
      outcomes.set(r.file, { file: r.file, status: 'refused', kind: r.kind, problem: a.problem });
      continue;
    }
    outcomes.set(r.file, { file: r.file, status: 'audited', kind: r.kind, notes: a.notes });
    for (const c of a.value) {
      // A [global] "guest ok" is every share's: one finding per rule and place.
      const key = `${c.ruleId} ${JSON.stringify(c.place)}`;
      if (!seen.has(key)) findings.push(finding(r.kind, c));
      seen.add(key);
    }
  }
  findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.place.file.localeCompare(b.place.file) || lineOf(a) - lineOf(b) || a.ruleId.localeCompare(b.ruleId));
  return { files: inputs.map((i) => outcomes.get(i.file)!), findings };
}
