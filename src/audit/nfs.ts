/**
 * NFS exports as both servers' files describe them, and which of their
 * settings open which holes. The kernel server's /etc/exports (exports.ts)
 * and nfs-ganesha's EXPORT blocks (ganesha.ts) are read into one model: per
 * export, the rules that grant access to clients, in the order the server
 * tries them, each with the setting that decided its access, squashing and
 * security flavours. Paths and host names are never put in a message: an
 * export is named by its line.
 */
import { placeOf, type ConfigCause, type Place } from './finding.ts';

/** Access_Type's values (ganesha); exports(5) has ro and rw only. MDONLY*: names and attributes, no READ. */
export type NfsAccess = 'none' | 'ro' | 'rw' | 'mdonly' | 'mdonly_ro';
/** Which user ids are mapped to the anonymous user: uid 0 only, none, or all. */
export type NfsSquash = 'root' | 'none' | 'all';

/** A value and the setting that gave it, or the default that did. */
export interface NfsSetting<T> {
  readonly value: T;
  readonly setting: string;
  readonly at?: { readonly line: number; readonly column: number };
  readonly defaultValue: string;
}

export interface NfsClientRule {
  /** Every address matches it ("*", a /0 network, or no client named at all). */
  readonly everyone: boolean;
  /** Which clients, for messages: 'client "*"', "the CLIENT block on line 9". */
  readonly where: string;
  /** Where the clients are named (a client entry, a Clients parameter); none for ganesha's export-level permissions. */
  readonly named?: { readonly setting: string; readonly line: number; readonly column: number };
  readonly access: NfsSetting<NfsAccess>;
  readonly squash: NfsSetting<NfsSquash>;
  /** Security flavours admitted: none, sys, krb5, krb5i, krb5p. */
  readonly sec: NfsSetting<readonly string[]>;
  /** exports(5) insecure: requests from any source port, so any program on a client. */
  readonly insecure?: boolean;
}

export interface NfsExport {
  readonly line: number;
  /** Client rules in the order the server matches them; ganesha's export-level permissions last, for everyone else. */
  readonly clients: readonly NfsClientRule[];
}

export interface NfsConfig {
  readonly server: 'kernel' | 'ganesha';
  readonly exports: readonly NfsExport[];
}

const place = (file: string, s: NfsSetting<unknown>): Place => placeOf(file, s.setting, s.at, s.defaultValue);

/** AUTH_SYS or AUTH_NONE admitted: a client proves nothing about who it is. */
const unauthenticated = (r: NfsClientRule): boolean => r.sec.value.some((f) => f === 'sys' || f === 'none');

const CHANGE_SEC = {
  kernel: 'name the hosts that need it instead of "*" (host(ro) entries), or require Kerberos with sec=krb5p',
  ganesha: 'set Access_Type = None on the EXPORT and grant RO in a CLIENT block naming the hosts that need it, or require Kerberos with SecType = krb5p',
};

function openToEveryone(file: string, cfg: NfsConfig, e: NfsExport, r: NfsClientRule): ConfigCause[] {
  const insecure = r.insecure ? ' "insecure" admits requests from any source port, so any program on a client, not only its root.' : '';
  const causes: ConfigCause[] = [
    {
      ruleId: 'EXP-NAS-013',
      place: r.named ? placeOf(file, r.named.setting, r.named, '') : place(file, r.access),
      cause: `The export on line ${e.line} grants ${r.access.value.toUpperCase()} access to every client (${r.where}) with AUTH_SYS or no credentials: anyone may mount it and read its files (it holds DICOM files if the scan found them there).${insecure}`,
      change: `On the export on line ${e.line}, ${CHANGE_SEC[cfg.server]}.`,
      dependsOnContent: { whenEmpty: 'EXP-NAS-003' },
    },
  ];
  if (r.access.value === 'rw') {
    causes.push({
      ruleId: 'EXP-CONF-005',
      place: place(file, r.access),
      cause: `The export on line ${e.line} is writable by every client (${r.where}), each stating its own user id.`,
      change: cfg.server === 'kernel' ? `Export it "ro" to everyone else and "rw" only to the hosts that write.` : 'Set Access_Type = RO (or None) on the EXPORT and RW only in a CLIENT block naming the hosts that write.',
    });
  }
  return causes;
}

function rootNotSquashed(file: string, cfg: NfsConfig, e: NfsExport, r: NfsClientRule): ConfigCause {
  const who = r.everyone ? 'every client' : 'the clients it names';
  return {
    ruleId: 'EXP-CONF-006',
    place: place(file, r.squash),
    cause: `The export on line ${e.line} keeps root's rights for ${who} (${r.where}): uid 0 on the client is root on the export.`,
    change: cfg.server === 'kernel' ? 'Replace no_root_squash with root_squash (the default), or all_squash.' : 'Set Squash = root_squash (the default) or all_squash.',
  };
}

export function checkNfs(file: string, cfg: NfsConfig): { causes: ConfigCause[]; notes: string[] } {
  const causes: ConfigCause[] = [];
  const notes: string[] = [];
  for (const e of cfg.exports) {
    const everyone = e.clients.find((r) => r.everyone);
    if (everyone && everyone.access.value !== 'none') {
      if (unauthenticated(everyone)) causes.push(...openToEveryone(file, cfg, e, everyone));
      else notes.push(`the export on line ${e.line} is open to every client, but only with Kerberos: not reported`);
    }
    for (const r of e.clients) {
      if (r.access.value !== 'none' && r.squash.value === 'none') causes.push(rootNotSquashed(file, cfg, e, r));
    }
  }
  const first = cfg.exports[0];
  if (first) {
    causes.push({
      ruleId: 'EXP-NAS-014',
      place: placeOf(file, cfg.server === 'kernel' ? 'export' : 'EXPORT', { line: first.line, column: 1 }, ''),
      cause: `MOUNT's EXPORT procedure (showmount -e) lists ${cfg.exports.length === 1 ? 'the export' : `its ${cfg.exports.length} exports`} and their client lists to anyone who asks: no setting of the file hides them.`,
      change: 'Keep the port mapper (111) and the MOUNT port off untrusted networks with a firewall, and name the clients of every export.',
    });
  }
  return { causes, notes };
}
