/**
 * Host-level correlation, after every probe of a host has run and before the
 * rules: facts one probe learned that name what another probe saw.
 *
 * Orthanc answers DIMSE with DCMTK's implementation class UID and version name
 * (Orthanc 1.10.1 sends OFFIS_DCMTK_367), so the DICOM probe alone can only say
 * "DCMTK 3.6.7". When the same host's Orthanc REST /system names that DICOM
 * port (DicomPort) — and, if the association was accepted, the same AE title —
 * the DICOM service is Orthanc of that version, certain, whatever its behaviour
 * suggested (probes/dicom/behaviour-fingerprints.ts); the identifiers stay as the
 * toolkit it is built on. Likewise an Orthanc portal on
 * the port whose /system answered takes that version (the Explorer shows none).
 */
import { dicomDetails, type Observation, type Product } from '../observation/observation.ts';
import { nameAndVersion } from '../observation/product.ts';

/** What the DICOM probe named from the identifiers (or kept as the toolkit under a behaviour's name): the toolkit Orthanc is built on. */
function toolkitOf(p: Product | undefined): Product['toolkit'] {
  if (!p) return undefined;
  if (p.toolkit) return p.toolkit;
  return p.identifiedBy === 'rest' ? undefined : { name: p.name, ...(p.version ? { version: p.version } : {}) };
}

export function correlateHost(observations: Observation[]): Observation[] {
  const orthancs = observations.flatMap((o) => (o.details?.protocol === 'orthanc' && o.details.system ? [{ o, system: o.details.system }] : []));
  if (orthancs.length === 0) return observations;
  return observations.map((o) => {
    if (o.protocol === 'portal') {
      const rest = orthancs.find(({ o: r }) => r.endpoint.port === o.endpoint.port);
      if (o.product?.name !== 'Orthanc' || o.product.version !== undefined || !rest?.system.version) return o;
      return { ...o, product: { ...o.product, version: rest.system.version, basis: `${o.product.basis}; version from REST /system on the same port` } };
    }
    if (o.protocol !== 'dicom' && o.protocol !== 'dicom-tls') return o;
    const d = dicomDetails(o);
    const answeringAe = d?.peer?.respondingAeTitle?.trim();
    const hit = orthancs.find(
      ({ system }) => system.dicomPort === o.endpoint.port && (answeringAe === undefined || d?.acceptsAnyCalledAeTitle === true || system.dicomAet === answeringAe),
    );
    if (!hit) return o;
    const via = `${hit.o.endpoint.port}`;
    const toolkit = toolkitOf(o.product);
    const identifiers = toolkit ? ` (DIMSE identifies as ${nameAndVersion(toolkit)})` : '';
    return {
      ...o,
      product: {
        name: 'Orthanc',
        ...(hit.system.version ? { version: hit.system.version } : {}),
        basis: `Orthanc REST /system on port ${via} names DICOM port ${o.endpoint.port}${identifiers}`,
        confidence: 'certain',
        identifiedBy: 'rest',
        ...(toolkit ? { toolkit } : {}),
      },
    };
  });
}
