/**
 * How DICOM files are named on shares and NAS boxes: a data table, each entry
 * with where the pattern comes from. A name match makes a file a candidate;
 * the "DICM" marker read from its first bytes confirms it (PS3.10 7.1).
 */

export interface DicomNamePattern {
  readonly id: string;
  readonly pattern: RegExp;
  readonly source: string;
}

export const DICOMDIR_NAME = /^DICOMDIR$/i;

export const DICOM_NAME_PATTERNS: readonly DicomNamePattern[] = [
  { id: 'dcm-extension', pattern: /\.dcm$/i, source: 'DICOM PS3.10 Annex A (.dcm is the customary extension; the standard itself prescribes none)' },
  { id: 'dicom-extension', pattern: /\.dicom?$/i, source: 'common export naming of PACS viewers (e.g. OsiriX/Horos "Export to DICOM")' },
  { id: 'dicomdir', pattern: DICOMDIR_NAME, source: 'DICOM PS3.10 8.6 / PS3.12: the media directory file is named DICOMDIR' },
  // PS3.12 media file IDs: up to 8 upper-case characters per component, no extension, e.g. IM000001, I0000012.
  { id: 'media-file-id', pattern: /^(IM|I|IMG|CT|MR|US|CR|DX)[_-]?\d{2,8}$/i, source: 'DICOM PS3.12 Annex F file ID rules, as written by CD/DVD export of GE, Siemens, Philips viewers' },
  { id: 'sop-instance-uid', pattern: /^\d+(\.\d+){4,}(\.dcm)?$/, source: 'Orthanc, dcm4che and DCMTK storescp (+uf) name stored files by SOP Instance UID' },
  { id: 'dcmtk-storescp', pattern: /^(CT|MR|US|CR|DX|MG|PT|NM|XA|RF|SC|OT)\.\d+(\.\d+)+$/, source: 'DCMTK storescp default file names: modality prefix + SOP Instance UID' },
];

/** Extensions that say "not DICOM": files with these are never sampled. */
const NOT_DICOM_EXTENSION = /\.(txt|json|xml|html?|css|js|php|pdf|docx?|xlsx?|pptx?|jpe?g|png|gif|bmp|tiff?|zip|7z|rar|gz|tgz|iso|exe|dll|msi|sh|bat|ps1|vbs|py|ini|cfg|conf|log|csv|md|mp4|avi|mov|mp3|wav|db|sqlite)$/i;

export type NameVerdict = 'dicom-name' | 'dicomdir' | 'maybe' | 'not-dicom';

export function classifyName(name: string): NameVerdict {
  if (DICOMDIR_NAME.test(name)) return 'dicomdir';
  if (DICOM_NAME_PATTERNS.some((p) => p.pattern.test(name))) return 'dicom-name';
  if (NOT_DICOM_EXTENSION.test(name)) return 'not-dicom';
  return 'maybe';
}
