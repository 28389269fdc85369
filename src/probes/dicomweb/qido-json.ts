/**
 * Reads one page of a QIDO-RS studies answer in the DICOM JSON model
 * (PS3.18 Annex F.2): an array of objects keyed by 8-hex-digit tags, each
 * holding { vr, Value?: [...], InlineBinary?, BulkDataURI? }.
 *
 * What comes out is what the privacy model allows: for each study, the tags
 * that carried a non-empty value, the two study-level counts, and the patient
 * ID only as an argument for the caller's keyed counter (it is not returned
 * or stored). The page text itself is dropped by the caller after this call.
 *
 * Bounded whatever the peer sends: the body by the HTTP client's cap
 * (probes/web/session.ts WEB_BODY_CAP; JSON.parse is iterative in V8, so the
 * parse itself cannot overflow the stack), the datasets read by the caller's
 * room under --max-records, and the nesting this walk follows by MAX_JSON_DEPTH,
 * on an explicit stack: a page nested 100,000 levels deep is a malformed page,
 * not a RangeError.
 */
export interface QidoStudy {
  readonly nonEmptyTags: readonly string[];
  readonly seriesCount?: number;
  readonly instanceCount?: number;
}

/** `more`: the page held more datasets than the caller had room for; those were not read. */
export type QidoPage = { ok: true; studies: QidoStudy[]; more: boolean } | { ok: false; reason: string };

/**
 * Deepest JSON nesting followed inside one attribute's Value. The DICOM JSON
 * model (PS3.18 F.2) spends three levels per sequence level (the item dataset,
 * the attribute object in it and that attribute's Value array): 64 levels are
 * twenty-one nested sequences, where a study-level answer holds few or none.
 */
export const MAX_JSON_DEPTH = 64;

const TAG = /^[0-9A-Fa-f]{8}$/;
const PATIENT_ID = '00100020';
const NUMBER_OF_STUDY_RELATED_SERIES = '00201206';
const NUMBER_OF_STUDY_RELATED_INSTANCES = '00201208';

/**
 * Whether a Value array holds anything non-empty, walked on an explicit stack
 * (never recursion on the peer's depth); 'too-deep' past MAX_JSON_DEPTH.
 */
function nonEmptyValue(values: readonly unknown[]): boolean | 'too-deep' {
  const stack: Array<{ v: unknown; depth: number }> = values.map((v) => ({ v, depth: 1 }));
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { v, depth } = top;
    if (typeof v === 'string') {
      if (v.trim().length > 0) return true;
    } else if (typeof v === 'number' || typeof v === 'boolean') {
      return true;
    } else if (typeof v === 'object' && v !== null) {
      // PS3.18 F.2.2: a PN value is { Alphabetic?, Ideographic?, Phonetic? }; a sequence item is a dataset.
      if (depth >= MAX_JSON_DEPTH) return 'too-deep';
      for (const child of Object.values(v as Record<string, unknown>)) stack.push({ v: child, depth: depth + 1 });
    }
  }
  return false;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function firstNumber(attr: unknown): number | undefined {
  if (!isObject(attr) || !Array.isArray(attr['Value'])) return undefined;
  const v: unknown = attr['Value'][0];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function firstString(attr: unknown): string | undefined {
  if (!isObject(attr) || !Array.isArray(attr['Value'])) return undefined;
  const v: unknown = attr['Value'][0];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Parses one page, reading at most `maxStudies` datasets; `onPatientId`
 * receives each study's PatientID value, for a keyed distinct counter. Empty
 * body (HTTP 204) is an empty page. Never throws.
 */
export function readQidoPage(body: Buffer, onPatientId: (value: string) => void, maxStudies: number): QidoPage {
  if (body.length === 0) return { ok: true, studies: [], more: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
  if (!Array.isArray(parsed)) return { ok: false, reason: 'the JSON is not an array of datasets' };
  const studies: QidoStudy[] = [];
  for (const item of parsed.slice(0, Math.max(0, maxStudies))) {
    if (!isObject(item)) return { ok: false, reason: 'an array element is not a dataset object' };
    const tags: string[] = [];
    for (const [key, attr] of Object.entries(item)) {
      if (!TAG.test(key) || !isObject(attr)) continue;
      const value = attr['Value'];
      const nonEmpty = Array.isArray(value) ? nonEmptyValue(value) : false;
      if (nonEmpty === 'too-deep') return { ok: false, reason: `a value is nested deeper than ${MAX_JSON_DEPTH} levels` };
      const present = nonEmpty || typeof attr['InlineBinary'] === 'string' || typeof attr['BulkDataURI'] === 'string';
      if (present) tags.push(key.toUpperCase());
    }
    const patientId = firstString(item[PATIENT_ID]);
    if (patientId !== undefined) onPatientId(patientId);
    const seriesCount = firstNumber(item[NUMBER_OF_STUDY_RELATED_SERIES]);
    const instanceCount = firstNumber(item[NUMBER_OF_STUDY_RELATED_INSTANCES]);
    studies.push({
      nonEmptyTags: tags,
      ...(seriesCount !== undefined ? { seriesCount } : {}),
      ...(instanceCount !== undefined ? { instanceCount } : {}),
    });
  }
  return { ok: true, studies, more: parsed.length > studies.length };
}

/** dcm4chee-arc GET /dcm4chee-arc/aets: AE titles of the archive, sanitised, at most `max`. */
export function readAeTitles(body: Buffer, max: number): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const out: string[] = [];
  for (const item of parsed) {
    const t = isObject(item) ? item['dicomAETitle'] : undefined;
    // PS3.5 6.2 AE: 16 characters of the default repertoire, no backslash; also safe in a URL path.
    if (typeof t === 'string' && /^[A-Za-z0-9_.-]{1,16}$/.test(t) && !out.includes(t)) out.push(t);
    if (out.length >= max) break;
  }
  return out;
}
