/**
 * The findings list's query string, checked before it reaches the store:
 * each filter is one bounded text (empty means "any"), a severity from the
 * closed list, a rule id of the rules' own form, and a page number.
 */
import { z } from 'zod';
import { Severity } from '../observation/finding.ts';
import type { FindingFilter } from '../store/index.ts';

/** Findings on one page of the list. */
export const FINDINGS_PER_PAGE = 50;
/** A page past this is no page a person reads; it would only make the database skip rows. */
const MAX_PAGE = 10_000;

const blankIsAbsent = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const text = (max: number) => z.preprocess(blankIsAbsent, z.string().trim().max(max).optional());

export const FindingQuery = z.object({
  severity: z.preprocess(blankIsAbsent, Severity.optional()),
  rule: z.preprocess(blankIsAbsent, z.string().regex(/^EXP-[A-Z]+-\d{3}$/, 'not a rule id such as EXP-DICOM-001').optional()),
  protocol: text(40),
  country: text(80),
  asn: text(80),
  product: text(300),
  q: text(100),
  page: z.preprocess(blankIsAbsent, z.coerce.number().int().min(1).max(MAX_PAGE).default(1)),
});
export type FindingQuery = z.infer<typeof FindingQuery>;

const FIELDS = ['severity', 'rule', 'protocol', 'country', 'asn', 'product', 'q', 'page'] as const;

/** The query string as filters and a page, or one line saying which parameter is wrong. */
export function parseFindingQuery(params: URLSearchParams): { ok: true; query: FindingQuery } | { ok: false; problem: string } {
  const raw: Record<string, string> = {};
  for (const k of FIELDS) {
    const v = params.get(k);
    if (v !== null) raw[k] = v;
  }
  const parsed = FindingQuery.safeParse(raw);
  if (parsed.success) return { ok: true, query: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, problem: `the filter "${issue?.path.join('.') ?? '?'}" is not valid: ${issue?.message ?? 'unknown problem'}` };
}

export function filterOf(q: FindingQuery): FindingFilter {
  const f: FindingFilter = {};
  if (q.severity) f.severity = q.severity;
  if (q.rule) f.ruleId = q.rule;
  if (q.protocol) f.protocol = q.protocol;
  if (q.country) f.country = q.country;
  if (q.asn) f.asn = q.asn;
  if (q.product) f.product = q.product;
  if (q.q) f.search = q.q;
  return f;
}

/** The query's filters as link parameters (a pager keeps them). */
export function queryParams(q: FindingQuery): Record<string, string | undefined> {
  return { severity: q.severity, rule: q.rule, protocol: q.protocol, country: q.country, asn: q.asn, product: q.product, q: q.q };
}
