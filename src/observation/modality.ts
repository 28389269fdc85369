/**
 * Modality codes: the one piece of a record's content the result keeps, and
 * only as a closed vocabulary. ModalitiesInStudy (0008,0061) and Modality
 * (0008,0060) are CS values a peer fills; a value that is not a term below
 * (a birth date, a name, any token) is counted as "other" and never stored.
 */

/** PS3.3 C.7.3.1.1.1 Modality, Defined Terms (edition 2026a: 79 terms). */
export const MODALITY_DEFINED_TERMS = [
  'ANN', 'AR', 'ASMT', 'AU', 'BDUS', 'BI', 'BMD', 'CFM', 'CR', 'CT', 'CTPROTOCOL', 'DG', 'DMS', 'DOC', 'DX',
  'ECG', 'EEG', 'EMG', 'EOG', 'EPS', 'ES', 'FID', 'GM', 'HC', 'HD', 'IO', 'IOL', 'IVOCT', 'IVUS', 'KER', 'KO',
  'LEN', 'LS', 'M3D', 'MG', 'MR', 'NM', 'OAM', 'OCT', 'OP', 'OPM', 'OPT', 'OPTBSV', 'OPTENF', 'OPV', 'OSS', 'OT',
  'PA', 'PLAN', 'POS', 'PR', 'PT', 'PX', 'REG', 'RESP', 'RF', 'RG', 'RTDOSE', 'RTIMAGE', 'RTINTENT', 'RTPLAN',
  'RTRAD', 'RTRECORD', 'RTSEGANN', 'RTSTRUCT', 'RWV', 'SEG', 'SM', 'SMR', 'SR', 'SRF', 'STAIN', 'TEXTUREMAP',
  'TG', 'US', 'VA', 'XA', 'XAPROTOCOL', 'XC',
] as const;

/**
 * PS3.3 C.7.3.1.1.1, Retired Defined Terms (18): still written by older
 * equipment and archives, so still a fact about what an archive holds.
 */
export const MODALITY_RETIRED_TERMS = [
  'AS', 'CD', 'CF', 'CP', 'CS', 'DD', 'DF', 'DM', 'DS', 'EC', 'FA', 'FS', 'LP', 'MA', 'MS', 'OPR', 'ST', 'VF',
] as const;

export type Modality = (typeof MODALITY_DEFINED_TERMS)[number] | (typeof MODALITY_RETIRED_TERMS)[number];

const TERMS: ReadonlySet<string> = new Set<string>([...MODALITY_DEFINED_TERMS, ...MODALITY_RETIRED_TERMS]);

/** Exact match, case and all: CS values are upper case (PS3.5 6.2), and a near miss is not a term. */
export function isModality(value: string): value is Modality {
  return TERMS.has(value);
}

/** The terms of a list and how many of its values were not terms (counted as "other", never kept). */
export function splitModalities(values: readonly string[]): { modalities: Modality[]; other: number } {
  const modalities: Modality[] = [];
  let other = 0;
  for (const v of values) {
    if (isModality(v)) modalities.push(v);
    else other += 1;
  }
  return { modalities, other };
}
