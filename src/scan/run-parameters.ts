/**
 * A run's recorded parameters: everything needed to probe the same targets
 * the same way again — to resume a killed run, or (scale-out) for a worker
 * to probe a block of a run it did not start.
 *
 * They are written with the run (in its meta, under `parameters`) and read
 * back through this schema, never cast: a run recorded by an older, newer or
 * foreign program is refused with one line naming the run and what is wrong.
 * Files are recorded with absolute paths, so a resume from another directory
 * reads the same ones (they must be unchanged: docs/decisions/0012-resume-checkpoint.md).
 */
import { randomInt } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { z, type ZodIssue } from 'zod';
import { ProtocolId } from '../observation/observation.ts';
import { validateAeTitle } from '../probes/catalogue.ts';
import { TEXT_READ } from '../probes/nas/index.ts';
import { RESULT_FORMATS } from '../scope/result-files.ts';
import type { ResolvedName } from '../scope/space.ts';
import type { RunMeta, RunRow } from '../store/index.ts';
import { ScanError } from './errors.ts';
import { GREETING_WAIT } from './greeting-wait.ts';
import { VERSION } from '../version.ts';

/** The key of a run's meta options that holds its parameters. */
export const PARAMETERS_KEY = 'parameters';
/** The key of a merged run's meta options that lists its shards (cluster/merge.ts): such a run is never resumed in place. */
export const MERGED_FROM_KEY = 'mergedFrom';
/**
 * Bumped when the schema changes in a way an older reader cannot follow.
 * 2: `probes` (--probes) and `limits.greetingWaitMs` (--greeting-wait). An
 * older reader would drop a probe selection it does not know and run every
 * probe on resume: it must refuse the run instead, and does, by the version.
 * 3: `limits.greetingWaitMs` only when --greeting-wait was given; absent, the
 * wait is derived from each connection's connect time (greeting-wait.ts).
 */
export const PARAMETERS_VERSION = 3;

const Port = z.number().int().min(1).max(65535);
const Whole = z.number().int().nonnegative();
const AbsolutePath = z.string().refine((p) => isAbsolute(p), 'not an absolute path');
const AeTitle = z.string().refine((t) => validateAeTitle(t) === undefined, 'not an AE title');

const ResolvedNameSchema = z.object({ name: z.string().min(1), addresses: z.array(z.string().min(1)) });

/** What the run goes through: target specs (`@FILE` with an absolute path), or a ZMap/masscan result file. */
const Targets = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('specs'),
    specs: z.array(z.string()).min(1),
    /** Hostnames as resolved when the run started: a resume walks the same addresses without asking DNS again. */
    resolved: z.array(ResolvedNameSchema).optional(),
  }),
  z.object({ kind: z.literal('result-file'), path: AbsolutePath, format: z.enum(RESULT_FORMATS) }),
]);

const Limits = z.object({
  maxRecords: Whole,
  connectTimeoutMs: Whole,
  ioTimeoutMs: Whole,
  probeTimeoutMs: Whole,
  /** --greeting-wait; absent, derived from each connect time. */
  greetingWaitMs: Whole.optional(),
});

export const RunParameters = z.object({
  version: z.literal(PARAMETERS_VERSION),
  targets: Targets,
  /** Ranges never to touch (--exclude files), and whether the IANA special-purpose ranges apply. */
  exclude: z.array(AbsolutePath),
  defaultExclusions: z.boolean(),
  /** Ranges the user is authorised to scan outside loopback and private space. */
  allowList: AbsolutePath.optional(),
  ports: z.array(Port).min(1),
  /** Ports the web probes claim instead of their defaults (--web-ports). */
  webPorts: z.array(Port).min(1).optional(),
  /** The probes that run (--probes); absent, every one. */
  probes: z.array(ProtocolId).min(1).optional(),
  /** The permutation's seed and this run's shard of it: same seed and shard, same order. */
  seed: z.number().int().min(0).max(2 ** 32 - 1),
  shard: z
    .object({ index: Whole, count: z.number().int().min(1).max(65536) })
    .refine((s) => s.index < s.count, { message: 'index beyond count', path: ['index'] }),
  identity: z.object({ callingAeTitle: AeTitle, userAgent: z.string().min(1) }),
  dicom: z.object({ aeTitles: z.array(AeTitle), guessList: z.boolean() }),
  checkLogins: z.boolean(),
  fileWalk: z.object({
    maxDepth: Whole,
    maxDirectories: Whole,
    maxEntries: Whole,
    maxHeaderSamples: Whole,
    maxHeaderBytes: Whole,
    walkTimeMs: Whole,
    checkWrite: z.boolean(),
  }),
  limits: Limits,
  /**
   * The bounds of the share walk's content read (probes/nas/limits.ts TEXT_READ): fixed in
   * the code, not options, recorded so that a letter says what this run read. Absent in
   * runs recorded before the content read existed; never read back to probe.
   */
  contentRead: z.object({ maxFiles: Whole, maxBytes: Whole }).optional(),
  /** How hard the scan goes: hosts at once, new connections a second, connections per host, connect retries. */
  pace: z.object({ concurrency: z.number().int().min(1), rate: Whole, perHost: z.number().int().min(1), retries: Whole }),
});
export type RunParameters = z.infer<typeof RunParameters>;

/**
 * Version 2 always recorded a greeting wait (the default was a fixed 300 ms):
 * read as version 3 with that wait, which is how it ran.
 */
const RunParametersV2 = RunParameters.extend({
  version: z.literal(2),
  limits: Limits.extend({ greetingWaitMs: Whole }),
}).transform((p): RunParameters => ({ ...p, version: PARAMETERS_VERSION }));

/**
 * Version 1, recorded before --probes and --greeting-wait: read as version 3
 * with every probe and the fixed wait of the time, which is how it ran.
 */
const RunParametersV1 = RunParameters.extend({
  version: z.literal(1),
  limits: Limits.omit({ greetingWaitMs: true }),
}).transform((p): RunParameters => ({
  ...p,
  version: PARAMETERS_VERSION,
  limits: { ...p.limits, greetingWaitMs: GREETING_WAIT.maxMs },
}));

/** What a new run asks for, as given: paths may be relative, the seed may be left to chance. */
export type RequestedParameters = Omit<RunParameters, 'version' | 'seed' | 'identity' | 'contentRead'> & {
  seed?: number;
  identity: { callingAeTitle: string; contact?: string };
};

export function userAgent(contact?: string): string {
  return `Exposure/${VERSION} (medical imaging exposure scanner${contact ? `; contact ${contact}` : ''})`;
}

/** `@file` pieces of a target argument made absolute; other specs unchanged, separators kept. */
function absoluteFileArgs(arg: string): string {
  return arg
    .split(/([,\s]+)/)
    .map((piece) => (piece.startsWith('@') && piece.length > 1 ? `@${resolve(piece.slice(1))}` : piece))
    .join('');
}

/** Where each zod issue is, and "missing" rather than a type name when a field is absent. */
function describeIssues(issues: readonly ZodIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => {
    const missing = i.code === 'invalid_type' && i.received === 'undefined';
    // The code and path only: a message could quote the recorded value.
    return `${i.path.join('.') || '(root)'} (${missing ? 'missing' : i.code})`;
  });
  const more = issues.length > shown.length ? ` and ${issues.length - shown.length} more` : '';
  return `${shown.join(', ')}${more}`;
}

/**
 * The parameters a new run records: absolute paths, a seed, the scanner's
 * identity. Validated here, so what is stored is what a resume can read.
 */
export function recordParameters(requested: RequestedParameters): RunParameters {
  const { targets, identity, seed, allowList, webPorts, probes, ...rest } = requested;
  // Optional keys are left out rather than set to undefined: the record equals what a resume reads back.
  const candidate = {
    ...rest,
    version: PARAMETERS_VERSION,
    targets:
      targets.kind === 'specs'
        ? { ...targets, specs: targets.specs.map(absoluteFileArgs) }
        : { ...targets, path: resolve(targets.path) },
    exclude: rest.exclude.map((f) => resolve(f)),
    ...(allowList !== undefined ? { allowList: resolve(allowList) } : {}),
    ...(webPorts !== undefined ? { webPorts } : {}),
    ...(probes !== undefined ? { probes } : {}),
    seed: seed ?? randomInt(2 ** 32),
    identity: { callingAeTitle: identity.callingAeTitle, userAgent: userAgent(identity.contact) },
    contentRead: { maxFiles: TEXT_READ.maxFiles, maxBytes: TEXT_READ.maxBytes },
  };
  const parsed = RunParameters.safeParse(candidate);
  if (!parsed.success) throw new ScanError('RUN_PARAMETERS', `the scan's parameters are invalid: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}

/**
 * The meta a new run is stored with: its parameters (with the hostnames as
 * resolved by the plan), and the targets as the user typed them, for reports.
 */
export function runMeta(p: RunParameters, resolved: readonly ResolvedName[], targetsAsGiven: readonly string[]): RunMeta {
  const parameters: RunParameters = p.targets.kind === 'specs' ? { ...p, targets: { ...p.targets, resolved: resolved.map((r) => ({ name: r.name, addresses: [...r.addresses] })) } } : p;
  return {
    targets: [...targetsAsGiven],
    ports: [...p.ports],
    options: { [PARAMETERS_KEY]: parameters },
    scanner: { ...p.identity },
  };
}

/**
 * Reads a run's parameters back; a ScanError naming the run and the fields
 * says why it cannot. `purpose` names what the caller would do with the run.
 */
export function parametersOfRun(run: RunRow, where: string, purpose: 'resumed' | 'merged' | 'worked on' | 'verified' = 'resumed'): RunParameters {
  const subject = `run ${run.id} of ${where} cannot be ${purpose}`;
  const raw = run.meta.options[PARAMETERS_KEY];
  if (raw === undefined) {
    throw new ScanError('RUN_PARAMETERS', `${subject}: it was started by an older Exposure that did not record its parameters; start a new scan`);
  }
  const version = typeof raw === 'object' && raw !== null && 'version' in raw ? raw.version : undefined;
  if (typeof version === 'number' && version > PARAMETERS_VERSION) {
    throw new ScanError(
      'RUN_PARAMETERS',
      `${subject}: its parameters were recorded by a newer Exposure (version ${version}; this one reads ${PARAMETERS_VERSION}): upgrade Exposure to read them`,
    );
  }
  const parsed = version === 1 ? RunParametersV1.safeParse(raw) : version === 2 ? RunParametersV2.safeParse(raw) : RunParameters.safeParse(raw);
  if (!parsed.success) {
    throw new ScanError('RUN_PARAMETERS', `${subject}: its recorded parameters are not what this Exposure reads: ${describeIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}
