/**
 * Host-level correlation, after every probe of a host has run and before the
 * rules: facts one probe learned that name what another probe saw.
 *
 * Orthanc answers DIMSE with DCMTK's implementation class UID and version name
 * (Orthanc 1.10.1 sends OFFIS_DCMTK_367), so the DICOM probe alone can only say
 * "DCMTK 3.6.7". When the same host's Orthanc REST /system names that DICOM
 * port (DicomPort) — and, if the association was accepted, the same AE title —
 * the DICOM service is Orthanc of that version. Likewise an Orthanc portal on
 * the port whose /system answered takes that version (the Explorer shows none).
 */
import { dicomDetails, type Observation } from '../observation/observation.ts';

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
    const toolkit = o.product ? ` (DIMSE identifies as ${[o.product.name, o.product.version].filter(Boolean).join(' ')})` : '';
    return {
      ...o,
      product: {
        name: 'Orthanc',
        ...(hit.system.version ? { version: hit.system.version } : {}),
        basis: `Orthanc REST /system on port ${via} names DICOM port ${o.endpoint.port}${toolkit}`,
        confidence: 'certain',
      },
    };
  });
}
