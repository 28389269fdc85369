/**
 * A run's findings as a dashboard lists them: filtered in SQL on the same
 * keys the breakdowns group by (so a table row and its filter agree), one
 * bounded page at a time, each row with its service's place and product.
 */
import type { Severity } from '../observation/finding.ts';
import { KEYS, SEVERITY_ORDER } from './aggregate-queries.ts';
import { findingFromRow, type DbFinding } from './rows.ts';
import type { FindingRow } from './store.ts';

/** Which findings of a run to list; an absent field matches every finding. */
export interface FindingFilter {
  severity?: Severity;
  ruleId?: string;
  protocol?: string;
  /** A key of the country breakdown: a country code, a special-space label ("loopback", "private", …) or "unknown". */
  country?: string;
  /** A key of the AS breakdown: "AS64500", a special-space label or "unknown". */
  asn?: string;
  /** A key of the product breakdown: a product name, or "unidentified". */
  product?: string;
  /** An address or its beginning ("192.0.2."), or an AS number ("AS64500" or "64500"). */
  search?: string;
}

/** The order of a list: most severe first (then rule and address), or the latest written first (a live view). */
export type FindingOrder = 'severity' | 'newest';

/** A finding with where its service is and what answers there. */
export interface FindingListRow extends FindingRow {
  country: string;
  asn: string;
  org: string | undefined;
  product: string;
}

/** One page of a list, and whether a next one holds anything. */
export interface FindingPage {
  rows: FindingListRow[];
  more: boolean;
}

interface DbListRow extends DbFinding {
  country_key: string;
  asn_key: string;
  org: string | null;
  product_key: string;
}

const AS_NUMBER = /^(?:AS)?(\d{1,10})$/i;

/** `LIKE` with its wildcards taken literally: an address prefix is text, not a pattern. */
function prefixPattern(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The statement and its parameters for one page of a run's findings. */
export function findingListQuery(runId: number, filter: FindingFilter, order: FindingOrder, limit: number, offset: number): { sql: string; params: unknown[] } {
  const where = ['f.run_id = ?'];
  const params: unknown[] = [runId];
  const equal = (sql: string, value: string | undefined): void => {
    if (value === undefined) return;
    where.push(`${sql} = ?`);
    params.push(value);
  };
  equal('f.severity', filter.severity);
  equal('f.rule_id', filter.ruleId);
  equal('s.protocol', filter.protocol);
  equal(`(${KEYS.country})`, filter.country);
  equal(`(${KEYS.asn})`, filter.asn);
  equal(`(${KEYS.product})`, filter.product);
  const search = filter.search?.trim();
  if (search) {
    const as = AS_NUMBER.exec(search);
    if (as) {
      // "64500" may be an AS or the start of nothing: an address never is only digits, so it is an AS.
      where.push('h.asn = ?');
      params.push(Number(as[1]));
    } else {
      where.push("s.ip LIKE ? ESCAPE '\\'");
      params.push(prefixPattern(search));
    }
  }
  const orderBy = order === 'newest' ? 'f.id DESC' : `${SEVERITY_ORDER}, f.rule_id, s.ip_key, s.port, s.protocol, f.id`;
  const sql = `SELECT f.id, f.run_id, f.service_id, f.rule_id, f.severity, t.title, f.evidence, t.remediation, t."references",
         NULLIF(t.cwe, '') AS cwe, s.ip, s.port, s.protocol,
         ${KEYS.country} AS country_key, ${KEYS.asn} AS asn_key, h.org, ${KEYS.product} AS product_key
  FROM findings f JOIN rule_texts t ON t.id = f.rule_text_id JOIN services s ON s.id = f.service_id JOIN hosts h ON h.id = s.host_id
  WHERE ${where.join(' AND ')}
  ORDER BY ${orderBy}
  LIMIT ? OFFSET ?`;
  // One row past the page says whether there is a next one, without counting the whole list.
  params.push(limit + 1, offset);
  return { sql, params };
}

export function findingPageFromRows(rows: readonly DbListRow[], limit: number): FindingPage {
  return {
    rows: rows.slice(0, limit).map((r) => ({
      ...findingFromRow(r),
      country: r.country_key,
      asn: r.asn_key,
      org: r.org ?? undefined,
      product: r.product_key,
    })),
    more: rows.length > limit,
  };
}

export type { DbListRow };
