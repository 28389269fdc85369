/**
 * vsftpd.conf (parseconf.c, vsftpd 3.0.3): `option=value` lines, `#` comments
 * in the first column, option names case-sensitive with no space allowed
 * around `=`, boolean values YES/NO, TRUE/FALSE or 1/0 in any case, the last
 * occurrence winning. vsftpd refuses to start on a bad boolean, a missing
 * value or a misspelt option; the audit refuses the same files, for the
 * options it reads.
 *
 * anonymous_enable: vsftpd 3.0.3 as built (Debian) lets anonymous users in
 * when the option is absent, although its manual page says NO; Debian's own
 * vsftpd.conf sets anonymous_enable=NO explicitly. The audit goes by the binary.
 */
import { ConfigProblem, placeOf, type ConfigCause, type Place } from './finding.ts';
import type { AuditLimits } from './limits.ts';
import { linesOf, nameText, type ConfigText } from './text.ts';

/** The boolean options the checks read, with vsftpd 3.0.3's built-in defaults. */
const BOOLEANS = {
  anonymous_enable: true,
  write_enable: false,
  anon_upload_enable: false,
  anon_mkdir_write_enable: false,
  anon_other_write_enable: false,
  ssl_enable: false,
} as const;
type BooleanOption = keyof typeof BOOLEANS;

const DEFAULT_TEXT: Readonly<Record<BooleanOption, string>> = {
  anonymous_enable: 'YES (vsftpd 3.0.3 as built; its manual page says NO)',
  write_enable: 'NO',
  anon_upload_enable: 'NO',
  anon_mkdir_write_enable: 'NO',
  anon_other_write_enable: 'NO',
  ssl_enable: 'NO',
};

export interface VsftpdOption {
  readonly value: boolean;
  readonly line: number;
}

export type VsftpdConfig = Partial<Record<BooleanOption, VsftpdOption>>;

function isBooleanOption(name: string): name is BooleanOption {
  return Object.hasOwn(BOOLEANS, name);
}

function parseBoolean(raw: string, name: string, line: number): boolean {
  const v = raw.toUpperCase();
  if (v === 'YES' || v === 'TRUE' || v === '1') return true;
  if (v === 'NO' || v === 'FALSE' || v === '0') return false;
  if (v.endsWith('\r')) throw new ConfigProblem(`line ${line}: ${name} ends with a carriage return (a DOS line end), which vsftpd reads as part of the value and refuses`);
  throw new ConfigProblem(`line ${line}: ${name} must be YES or NO (vsftpd refuses the file)`);
}

export function parseVsftpd(t: ConfigText, limits: AuditLimits): VsftpdConfig {
  const cfg: VsftpdConfig = {};
  let settings = 0;
  linesOf(t, true).forEach((raw, index) => {
    const n = index + 1;
    if (raw === '' || raw === '\r' || raw.startsWith('#') || raw.trim() === '') return;
    const eq = raw.indexOf('=');
    if (eq < 0) throw new ConfigProblem(`line ${n} is not option=value (vsftpd refuses the file)`);
    const name = raw.slice(0, eq);
    if (/\s/.test(name)) throw new ConfigProblem(`line ${n}: space around "${nameText(name.trim())}=": vsftpd allows none and refuses the file`);
    if ((settings += 1) > limits.maxEntries) throw new ConfigProblem(`holds more than ${limits.maxEntries} settings`);
    if (!isBooleanOption(name)) return;
    const value = raw.slice(eq + 1);
    if (value === '') throw new ConfigProblem(`line ${n}: ${name} has no value (vsftpd refuses the file)`);
    cfg[name] = { value: parseBoolean(value, name, n), line: n };
  });
  return cfg;
}

function read(cfg: VsftpdConfig, name: BooleanOption): boolean {
  return cfg[name]?.value ?? BOOLEANS[name];
}

function place(file: string, cfg: VsftpdConfig, name: BooleanOption): Place {
  const o = cfg[name];
  return placeOf(file, name, o ? { line: o.line, column: 1 } : undefined, DEFAULT_TEXT[name]);
}

const ANON_WRITES = ['anon_upload_enable', 'anon_mkdir_write_enable', 'anon_other_write_enable'] as const;

export function checkVsftpd(file: string, cfg: VsftpdConfig): ConfigCause[] {
  if (!read(cfg, 'anonymous_enable')) return [];
  const causes: ConfigCause[] = [
    {
      ruleId: 'EXP-NAS-001',
      place: place(file, cfg, 'anonymous_enable'),
      cause: 'Anonymous logins (users "ftp" and "anonymous") are accepted, with no password that protects anything.',
      change: 'Set anonymous_enable=NO and give each person who needs the files an account (local_enable=YES), over FTPS.',
      dependsOnContent: { whenEmpty: 'EXP-NAS-003' },
    },
  ];
  const writes = ANON_WRITES.filter((w) => read(cfg, w));
  if (read(cfg, 'write_enable') && writes.length > 0) {
    causes.push({
      ruleId: 'EXP-NAS-004',
      place: place(file, cfg, writes[0]!),
      cause: `write_enable=YES with ${writes.join(', ')}: anonymous users may write wherever the ftp user can.`,
      change: `Set ${writes.map((w) => `${w}=NO`).join(', ')} (and write_enable=NO unless local users need it).`,
    });
  }
  if (!read(cfg, 'ssl_enable')) {
    causes.push({
      ruleId: 'EXP-NAS-006',
      place: place(file, cfg, 'ssl_enable'),
      cause: 'vsftpd offers no AUTH TLS: listings and files cross the network in clear text.',
      change: 'Set ssl_enable=YES with rsa_cert_file and rsa_private_key_file, and force_local_logins_ssl=YES, force_local_data_ssl=YES.',
      dependsOnContent: { whenEmpty: null },
    });
  }
  return causes;
}
