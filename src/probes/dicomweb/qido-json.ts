/**
 * Reads one page of a QIDO-RS studies answer in the DICOM JSON model
 * (PS3.18 Annex F.2): an array of objects keyed by 8-hex-digit tags, each
 * holding { vr, Value?: [...], InlineBinary?, BulkDataURI? }.
 *
 * What comes out is what the privacy model allows: for each study, the tags
 * that carried a non-empty value, the two study-level counts, and the patient
 * ID only as an argument for the caller's keyed counter (it is not returned
 * or stored). The page text itself is dropped by the caller after this call.
 */
export interface QidoStudy {
  readonly nonEmptyTags: readonly string[];
  readonly seriesCount?: number;
  readonly instanceCount?: number;
}

export type QidoPage = { ok: true; studies: QidoStudy[] } | { ok: false; reason: string };

const TAG = /^[0-9A-Fa-f]{8}$/;
const PATIENT_ID = '00100020';
const NUMBER_OF_STUDY_RELATED_SERIES = '00201206';
const NUMBER_OF_STUDY_RELATED_INSTANCES = '00201208';

/** Far deeper than the sequences of a study-level answer; the recursion stops here, whatever a peer nests. */
const MAX_VALUE_DEPTH = 64;

function nonEmptyValue(v: unknown, depth = 0): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'string') return v.trim().length > 0;
  if (typeof v === 'number' || typeof v === 'boolean') return true;
  if (typeof v === 'object') {
    if (depth >= MAX_VALUE_DEPTH) return true; // something is there, nested past where we look
    // PS3.18 F.2.2: a PN value is { Alphabetic?, Ideographic?, Phonetic? }; a sequence item is a dataset.
    return Object.values(v as Record<string, unknown>).some((x) => nonEmptyValue(x, depth + 1));
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
 * Parses one page; `onPatientId` receives each study's PatientID value, for a
 * keyed distinct counter. Empty body (HTTP 204) is an empty page.
 */
export function readQidoPage(body: Buffer, onPatientId: (value: string) => void): QidoPage {
  if (body.length === 0) return { ok: true, studies: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
  if (!Array.isArray(parsed)) return { ok: false, reason: 'the JSON is not an array of datasets' };
  const studies: QidoStudy[] = [];
  for (const item of parsed) {
    if (!isObject(item)) return { ok: false, reason: 'an array element is not a dataset object' };
    const tags: string[] = [];
    for (const [key, attr] of Object.entries(item)) {
      if (!TAG.test(key) || !isObject(attr)) continue;
      const value = attr['Value'];
      const present = (Array.isArray(value) && value.some((x) => nonEmptyValue(x))) || typeof attr['InlineBinary'] === 'string' || typeof attr['BulkDataURI'] === 'string';
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
  return { ok: true, studies };
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
