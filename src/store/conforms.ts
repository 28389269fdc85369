/**
 * Whether a value read back from the store is already what its schema makes
 * of it, checked without building anything.
 *
 * A row is validated against the result schema when it is written; reading
 * it back validates it again, because the file may have been edited by hand
 * or by someone else, and renderers trust the schema's types and its cleaned
 * peer text (observation/peer-text.ts). zod's `safeParse` gives that guarantee
 * by copying every object and array it checks, which at a million services
 * costs more than the rest of a report together. `conformsExactly(schema)`
 * gives the same guarantee at a fraction of the cost: it says yes only when
 * `schema.safeParse(value)` would succeed and hand back a value equal to
 * `value` itself (no key stripped, no peer text cleaned, no vocabulary
 * filtered), so the value can be used as it is. Anything else, and every
 * zod construct not mirrored here, says no, and the caller lets zod parse
 * as before: a row someone edited is cleaned or refused exactly as it was.
 *
 * The check is compiled once from the schema's own definition, so the two
 * cannot drift apart: a field added to the schema is checked here too.
 */
import { z, type ZodTypeAny } from 'zod';

type Check = (value: unknown) => boolean;

const never: Check = () => false;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Equal as JSON values, whatever order their keys were set in (a key set to
 * undefined counts as absent): what a transform returned against what it was
 * given, and two shards' run parameters (cluster/shards.ts).
 */
export function sameJsonValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJsonValue(x, b[i]));
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a).filter((k) => a[k] !== undefined);
  if (keys.length !== Object.keys(b).filter((k) => b[k] !== undefined).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && sameJsonValue(a[k], b[k]));
}

function stringCheck(def: z.ZodStringDef): Check {
  const tests: Array<(s: string) => boolean> = [];
  for (const c of def.checks) {
    switch (c.kind) {
      case 'min':
        tests.push((s) => s.length >= c.value);
        break;
      case 'max':
        tests.push((s) => s.length <= c.value);
        break;
      case 'length':
        tests.push((s) => s.length === c.value);
        break;
      case 'regex':
        tests.push((s) => {
          c.regex.lastIndex = 0;
          return c.regex.test(s);
        });
        break;
      default:
        // Other formats, and the checks that change the string (trim, case): zod decides.
        return never;
    }
  }
  return (v) => typeof v === 'string' && tests.every((t) => t(v));
}

function numberCheck(def: z.ZodNumberDef): Check {
  const tests: Array<(n: number) => boolean> = [];
  for (const c of def.checks) {
    switch (c.kind) {
      case 'int':
        tests.push((n) => Number.isInteger(n));
        break;
      case 'min':
        tests.push(c.inclusive ? (n) => n >= c.value : (n) => n > c.value);
        break;
      case 'max':
        tests.push(c.inclusive ? (n) => n <= c.value : (n) => n < c.value);
        break;
      case 'finite':
        tests.push((n) => Number.isFinite(n));
        break;
      default:
        return never;
    }
  }
  return (v) => typeof v === 'number' && !Number.isNaN(v) && tests.every((t) => t(v));
}

function objectCheck(schema: z.AnyZodObject): Check {
  // Unknown keys are stripped by default (so a value holding one is not returned as it is),
  // refused by strict(), kept by passthrough(); a catchall schema is zod's to check.
  if (!(schema._def.catchall instanceof z.ZodNever)) return never;
  const policy = schema._def.unknownKeys;
  const keys = Object.keys(schema.shape as Record<string, ZodTypeAny>);
  const checks = keys.map((key) => compile((schema.shape as Record<string, ZodTypeAny>)[key] as ZodTypeAny));
  return (v) => {
    if (!isPlainObject(v)) return false;
    // Fields set, counted while checked: any other key the value has is one the schema does not know.
    let set = 0;
    for (let i = 0; i < keys.length; i++) {
      const field = v[keys[i] as string];
      if (!(checks[i] as Check)(field)) return false;
      if (field !== undefined) set += 1;
    }
    if (policy === 'passthrough') return true;
    let own = 0;
    for (const key in v) if (Object.hasOwn(v, key)) own += 1;
    return own === set;
  };
}

function arrayCheck(def: z.ZodArrayDef): Check {
  const item = compile(def.type);
  const { exactLength, minLength, maxLength } = def;
  return (v) =>
    Array.isArray(v) &&
    (exactLength === null || v.length === exactLength.value) &&
    (minLength === null || v.length >= minLength.value) &&
    (maxLength === null || v.length <= maxLength.value) &&
    v.every(item);
}

function unionCheck(schema: z.ZodDiscriminatedUnion<string, z.ZodDiscriminatedUnionOption<string>[]>): Check {
  const discriminator = schema.discriminator;
  const options = new Map<unknown, Check>([...schema.optionsMap].map(([value, option]) => [value, compile(option)]));
  return (v) => {
    if (!isPlainObject(v)) return false;
    const check = options.get(v[discriminator]);
    return check !== undefined && check(v);
  };
}

/** A transform leaves a conforming value as it is: what it returns equals what it was given. */
function effectsCheck(def: z.ZodEffectsDef): Check {
  const effect = def.effect;
  if (effect.type !== 'transform') return never;
  const inner = compile(def.schema);
  const transform = effect.transform;
  return (v) => {
    if (!inner(v)) return false;
    // An issue the transform adds fails the parse.
    let failed = false;
    const ctx: z.RefinementCtx = { addIssue: () => void (failed = true), path: [] };
    try {
      const out: unknown = transform(v, ctx);
      return !failed && !(out instanceof Promise) && sameJsonValue(out, v);
    } catch {
      return false;
    }
  };
}

function compile(schema: ZodTypeAny): Check {
  if (schema instanceof z.ZodString) return stringCheck(schema._def);
  if (schema instanceof z.ZodNumber) return numberCheck(schema._def);
  if (schema instanceof z.ZodBoolean) return (v) => typeof v === 'boolean';
  if (schema instanceof z.ZodEnum) {
    const values = new Set<unknown>(schema.options as readonly string[]);
    return (v) => typeof v === 'string' && values.has(v);
  }
  if (schema instanceof z.ZodLiteral) {
    const literal: unknown = schema.value;
    return (v) => v === literal;
  }
  if (schema instanceof z.ZodOptional) {
    const inner = compile(schema.unwrap() as ZodTypeAny);
    return (v) => v === undefined || inner(v);
  }
  if (schema instanceof z.ZodNullable) {
    const inner = compile(schema.unwrap() as ZodTypeAny);
    return (v) => v === null || inner(v);
  }
  if (schema instanceof z.ZodObject) return objectCheck(schema);
  if (schema instanceof z.ZodArray) return arrayCheck(schema._def as z.ZodArrayDef);
  if (schema instanceof z.ZodDiscriminatedUnion) return unionCheck(schema);
  if (schema instanceof z.ZodEffects) return effectsCheck(schema._def as z.ZodEffectsDef);
  if (schema instanceof z.ZodUnknown || schema instanceof z.ZodAny) return () => true;
  // Unions, defaults, records, tuples, lazy schemas …: not mirrored, zod parses.
  return never;
}

/**
 * A check compiled from `schema`: true only when `schema.safeParse(value)`
 * would succeed and return a value equal to `value`. False says nothing
 * more: parse with zod, which cleans, strips or refuses.
 */
export function conformsExactly(schema: ZodTypeAny): (value: unknown) => boolean {
  return compile(schema);
}
