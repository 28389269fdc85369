/**
 * What each probe is, without its code: id, default ports and one line of what
 * it does, and the AE-title rule. The command line reads this for its defaults, `--probes` and
 * `--probes help`, so `exposure --help` or a dry run loads no probe. Each probe
 * takes its ports and summary from here (one source); the order is the order
 * of `PROBES` in probes/index.ts, which a test checks.
 */
import type { ProtocolId } from '../observation/observation.ts';

/** The AE-title rule the DICOM probe sends by, for titles a user gives (--calling-ae, --ae-titles). */
export { validateAeTitle } from '../protocols/dicom/ae-title.ts';

/** Ports the web probes (portal, orthanc, dicomweb) claim unless --web-ports replaces them. */
export const WEB_PORTS = [80, 443, 3333, 8042, 8080, 8081, 8443] as const;

/** The IANA-registered DICOM TLS port (PS3.15 B.1). */
export const DICOM_TLS_PORT = 2762;

export interface CatalogueEntry {
  readonly id: ProtocolId;
  readonly defaultPorts: readonly number[];
  readonly summary: string;
}

export const PROBE_CATALOGUE: readonly CatalogueEntry[] = [
  { id: 'dicom', defaultPorts: [104, 4242, 11112], summary: 'DICOM association (called AE titles tried), C-ECHO, Study Root C-FIND counted and inventoried' },
  { id: 'dicom-tls', defaultPorts: [DICOM_TLS_PORT], summary: 'DICOM over TLS (PS3.15 Annex B): the handshake and certificate, then the DICOM probe inside' },
  { id: 'portal', defaultPorts: WEB_PORTS, summary: 'PACS web portal: product from anchored page signatures, the login in front of it' },
  { id: 'orthanc', defaultPorts: WEB_PORTS, summary: 'Orthanc REST API: version, authentication, stored counts, DICOM port named' },
  { id: 'dicomweb', defaultPorts: WEB_PORTS, summary: 'DICOMweb QIDO-RS: studies listed without authentication, counted and inventoried' },
  { id: 'ftp', defaultPorts: [21], summary: 'FTP greeting and product, anonymous and blank login, a bounded walk counting DICOM files' },
  { id: 'smb', defaultPorts: [445], summary: 'SMB2 dialect, null and guest sessions, shares listed, a bounded walk counting DICOM files' },
  { id: 'rsync', defaultPorts: [873], summary: 'rsync daemon greeting and module list, modules asked for without credentials, a bounded walk counting DICOM files' },
  { id: 'nfs', defaultPorts: [111], summary: 'ONC RPC port mapper, MOUNT export list and who may mount, exports open to everyone walked over NFSv3 read-only, counting DICOM files' },
];

/** The catalogue entry of one probe. */
export function catalogued(id: ProtocolId): CatalogueEntry {
  const entry = PROBE_CATALOGUE.find((e) => e.id === id);
  if (!entry) throw new Error(`probe ${id} is not in the catalogue`);
  return entry;
}

/** Ports scanned when the user names none: every probe's defaults. */
export const DEFAULT_SCAN_PORTS: readonly number[] = [...new Set(PROBE_CATALOGUE.flatMap((p) => p.defaultPorts))].sort((a, b) => a - b);
