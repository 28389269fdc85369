/**
 * A watch configuration: the scopes to scan again and again, when, how many
 * of their runs to keep, and where alerts go. YAML or JSON (JSON is YAML),
 * validated with zod; every mistake is one line naming the file and the path
 * in it ("watch.yaml: scopes.0.scan.ioTimeout: …"). Secrets are never in the
 * file: a webhook's key and an SMTP login are named by an environment
 * variable or a file, looked up once when the watch starts (channels.ts).
 *
 * A scope's scan options are `exposure scan`'s, by the same names and with
 * the same defaults (scan/options.ts); relative paths in the file (target
 * lists, exclusions, the allow-list, a secret file) are read from the file's folder.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z, type ZodIssue } from 'zod';
import { Severity } from '../observation/finding.ts';
import { ProtocolId } from '../observation/observation.ts';
import { SCAN_DEFAULTS, validateAeTitle } from '../scan/options.ts';
import { WatchError } from './errors.ts';
import { parseSchedule } from './schedule.ts';

/** A configuration is a page or two; anything far larger is not one. */
const MAX_CONFIG_BYTES = 1 << 20;


const whole = (min: number, max: number) => z.number().int().min(min).max(max);
const Port = whole(1, 65535);
const AeTitle = z.string().superRefine((t, ctx) => {
  const problem = validateAeTitle(t);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits, _)');
const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'not an IANA time zone (e.g. Europe/Berlin)');
const ScheduleText = z.string();

/** Keys that would put a secret in the file: refused with the way to do it instead. */
function noSecret(instead: string) {
  return z.unknown().refine((v) => v === undefined, `a secret is never written in the configuration: ${instead}`).optional();
}

const d = SCAN_DEFAULTS;
/** `exposure scan`'s options, by their long names in camelCase, with its defaults. */
const ScanSettings = z
  .object({
    callingAe: AeTitle.default(d.callingAeTitle),
    contact: z.string().min(1).optional(),
    aeTitles: z.array(AeTitle).default([]),
    guessList: z.boolean().default(true),
    maxRecords: whole(1, 1_000_000).default(d.maxRecords),
    concurrency: whole(1, 10_000).default(d.concurrency),
    rate: whole(0, 1_000_000).default(d.rate),
    perHost: whole(2, 1000).default(d.perHost),
    retries: whole(0, 5).default(d.retries),
    connectTimeout: whole(10, 120_000).default(d.connectTimeoutMs),
    ioTimeout: whole(10, 300_000).default(d.ioTimeoutMs),
    probeTimeout: whole(100, 3_600_000).default(d.probeTimeoutMs),
    greetingWait: whole(0, 60_000).optional(),
    checkLogins: z.boolean().default(false),
    webPorts: z.array(Port).min(1).optional(),
    exclude: z.array(z.string().min(1)).default([]),
    defaultExclusions: z.boolean().default(true),
    allowList: z.string().min(1).optional(),
    maxDepth: whole(0, 64).default(d.fileWalk.maxDepth),
    maxDirs: whole(1, 1_000_000).default(d.fileWalk.maxDirectories),
    maxEntries: whole(1, 10_000_000).default(d.fileWalk.maxEntries),
    maxHeaderSamples: whole(0, 100_000).default(d.fileWalk.maxHeaderSamples),
    maxHeaderBytes: whole(132, 1 << 20).default(d.fileWalk.maxHeaderBytes),
    walkTime: whole(100, 3_600_000).default(d.fileWalk.walkTimeMs),
    checkWrite: z.boolean().default(false),
  })
  .strict();
export type ScanSettings = z.infer<typeof ScanSettings>;

const Retention = z.object({ runs: whole(1, 100_000) }).strict();

const Scope = z
  .object({
    /** Recorded in each run's options: what ties the runs of a scope together. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" and "-", at most 64, starting with a letter or digit'),
    /** Target specs as `exposure scan` takes them, one per entry (@FILE for a list). */
    targets: z.array(z.string().min(1)).min(1),
    ports: z.array(Port).min(1).optional(),
    probes: z.array(ProtocolId).min(1).optional(),
    schedule: ScheduleText.optional(),
    retention: Retention.optional(),
    scan: ScanSettings.default({}),
  })
  .strict();

/** How hard an alert tries: attempts, each with a deadline, a doubling wait between them. */
const Delivery = {
  attempts: whole(1, 10).default(4),
  timeoutMs: whole(100, 120_000).default(10_000),
  backoffMs: whole(0, 600_000).default(2_000),
};

const Webhook = z
  .object({
    url: z
      .string()
      .url()
      .refine((u) => /^https?:$/.test(new URL(u).protocol), 'an http:// or https:// URL'),
    secretEnv: EnvName.optional(),
    secretFile: z.string().min(1).optional(),
    secret: noSecret('name an environment variable (secretEnv) or a file (secretFile) that holds it'),
    ...Delivery,
  })
  .strict()
  .refine((w) => (w.secretEnv === undefined) !== (w.secretFile === undefined), {
    message: 'name the key the body is signed with: secretEnv or secretFile (one of them)',
    path: ['secretEnv'],
  });

const Email = z
  .object({
    host: z.string().min(1),
    port: Port.default(587),
    /** starttls: upgrade on the submission port, refuse a server that cannot; implicit: TLS from the first byte (465); none: plain. */
    tls: z.enum(['starttls', 'implicit', 'none']).default('starttls'),
    from: z.string().email(),
    to: z.array(z.string().email()).min(1),
    userEnv: EnvName.optional(),
    passwordEnv: EnvName.optional(),
    password: noSecret('name an environment variable (passwordEnv) that holds it'),
    ...Delivery,
  })
  .strict()
  .refine((e) => (e.userEnv === undefined) === (e.passwordEnv === undefined), {
    message: 'a login needs both userEnv and passwordEnv',
    path: ['userEnv'],
  });

const Alerts = z
  .object({
    /** New findings at or above this severity, and fixes of them, raise an alert. */
    minSeverity: Severity.default('high'),
    webhook: Webhook.optional(),
    email: Email.optional(),
  })
  .strict();

const ConfigSchema = z
  .object({
    /** The schedule of scopes that name none. */
    schedule: ScheduleText.optional(),
    timezone: TimeZone.optional(),
    retention: Retention.default({ runs: 30 }),
    scopes: z.array(Scope).min(1),
    alerts: Alerts.optional(),
    /** Compare and alert on likely honeypots as archives (docs/decisions/0027-honeypots-told-apart.md). */
    keepHoneypots: z.boolean().default(false),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.scopes.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['scopes', i, 'name'], message: `a second scope named "${s.name}": names tie runs together, so each is one scope's` });
      seen.add(s.name);
      if (s.schedule === undefined && c.schedule === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['scopes', i, 'schedule'], message: 'no schedule: give the scope one, or a default "schedule" at the top' });
      }
    });
    const check = (pattern: string | undefined, path: (string | number)[]): void => {
      if (pattern === undefined) return;
      try {
        parseSchedule(pattern, c.timezone);
      } catch (err) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path, message: `not a 5-field cron schedule (minute hour day month weekday): ${(err as Error).message}` });
      }
    };
    check(c.schedule, ['schedule']);
    c.scopes.forEach((s, i) => check(s.schedule, ['scopes', i, 'schedule']));
  });

export type WebhookConfig = z.infer<typeof Webhook>;
export type EmailConfig = z.infer<typeof Email>;
export type AlertsConfig = z.infer<typeof Alerts>;

/** One scope as the watch runs it: its schedule and retention filled from the defaults. */
export interface WatchScope {
  readonly name: string;
  readonly targets: readonly string[];
  readonly ports?: readonly number[];
  readonly probes?: readonly ProtocolId[];
  readonly schedule: string;
  /** Runs of the scope kept; older ones are removed after each run. */
  readonly keepRuns: number;
  readonly scan: ScanSettings;
}

export interface WatchConfig {
  /** The file it was read from: messages name it. */
  readonly source: string;
  readonly timezone?: string;
  readonly scopes: readonly WatchScope[];
  readonly alerts?: AlertsConfig;
  /** Likely honeypots compared and alerted on as archives; by default left out, and each alert says how many. */
  readonly keepHoneypots: boolean;
}

function describe(issues: readonly ZodIssue[]): string {
  const shown = issues.slice(0, 8).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
  const more = issues.length > shown.length ? `\n  and ${issues.length - shown.length} more` : '';
  return `${shown.join('\n  ')}${more}`;
}

/** A path of the file made absolute from the file's folder. */
function from(folder: string, path: string): string {
  return isAbsolute(path) ? path : resolve(folder, path);
}

/** Validates an already parsed document; `source` names it in errors and relative paths are read from its folder. */
export function watchConfigFrom(document: unknown, source: string): WatchConfig {
  const parsed = ConfigSchema.safeParse(document);
  if (!parsed.success) throw new WatchError('CONFIG', `${source}:\n  ${describe(parsed.error.issues)}`);
  const c = parsed.data;
  const folder = dirname(resolve(source));
  const scopes = c.scopes.map((s): WatchScope => ({
    name: s.name,
    targets: s.targets.map((t) => (t.startsWith('@') && t.length > 1 ? `@${from(folder, t.slice(1))}` : t)),
    ...(s.ports ? { ports: s.ports } : {}),
    ...(s.probes ? { probes: s.probes } : {}),
    // Checked above: a scope without one fails validation.
    schedule: (s.schedule ?? c.schedule) as string,
    keepRuns: (s.retention ?? c.retention).runs,
    scan: {
      ...s.scan,
      exclude: s.scan.exclude.map((f) => from(folder, f)),
      ...(s.scan.allowList !== undefined ? { allowList: from(folder, s.scan.allowList) } : {}),
    },
  }));
  const webhook = c.alerts?.webhook;
  const alerts = c.alerts && {
    ...c.alerts,
    ...(webhook ? { webhook: { ...webhook, ...(webhook.secretFile !== undefined ? { secretFile: from(folder, webhook.secretFile) } : {}) } } : {}),
  };
  return { source, ...(c.timezone !== undefined ? { timezone: c.timezone } : {}), scopes, ...(alerts ? { alerts } : {}), keepHoneypots: c.keepHoneypots };
}

/** Reads and validates a watch configuration file. */
export function loadWatchConfig(path: string): WatchConfig {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new WatchError('CONFIG', `cannot read the watch configuration ${path}: it does not exist or cannot be read`);
  }
  if (size > MAX_CONFIG_BYTES) throw new WatchError('CONFIG', `${path} is ${size} bytes: a watch configuration is at most ${MAX_CONFIG_BYTES}`);
  let document: unknown;
  try {
    // YAML 1.2 reads JSON as well; aliases are capped by the library (no expansion bomb).
    document = parseYaml(readFileSync(path, 'utf8'), { prettyErrors: true, maxAliasCount: 100 });
  } catch (err) {
    throw new WatchError('CONFIG', `${path} is neither YAML nor JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  return watchConfigFrom(document, path);
}
