/**
 * How a product reads in reports and finding evidence: its name and version, and,
 * when only its DICOM behaviour named it, that and how sure it is, so "Orthanc"
 * read from the way a port answers never passes for one its REST API confirmed.
 */
import type { Product } from './observation.ts';

const BY_TEXT: Readonly<Partial<Record<NonNullable<Product['identifiedBy']>, string>>> = {
  'dicom-behaviour': 'DICOM behaviour',
};

/** "DCMTK 3.6.7", or the name alone when no version is known. */
export function nameAndVersion(p: { readonly name: string; readonly version?: string | undefined }): string {
  return p.version ? `${p.name} ${p.version}` : p.name;
}

/** "Orthanc 1.10.1", "DCMTK 3.6.7", "Orthanc (DICOM behaviour, likely)". */
export function productLabel(p: Product): string {
  const named = nameAndVersion(p);
  const by = p.identifiedBy === undefined ? undefined : BY_TEXT[p.identifiedBy];
  return by ? `${named} (${by}, ${p.confidence})` : named;
}

/** "DCMTK 3.6.7": the toolkit a product is built on, when it answered with the toolkit's identifiers. */
export function toolkitLabel(p: Product): string | undefined {
  return p.toolkit ? nameAndVersion(p.toolkit) : undefined;
}
