/**
 * What imaging products ship with, as reviewed data with a source for every
 * entry: the AE titles they answer to out of the box and their documented
 * default logins. The DICOM and web probes try them on the wire; the
 * configuration audit recognises them in an owner's files. A public file of
 * probes/ (no probe code), so both read one table.
 *
 * The default logins' table is observation/default-credentials.ts (re-exported
 * here): passwords are public vendor documentation, never written to an
 * observation, a log or a report (only the user name is).
 */

export interface DefaultAeTitle {
  readonly aeTitle: string;
  /** The product that ships with this title as its default. */
  readonly product: string;
  readonly source: string;
}

export const DEFAULT_AE_TITLES: readonly DefaultAeTitle[] = [
  { aeTitle: 'ORTHANC', product: 'Orthanc', source: 'Orthanc default configuration, "DicomAet"' },
  { aeTitle: 'DCM4CHEE', product: 'dcm4chee-arc', source: 'dcm4chee-arc-light default archive AE title' },
  { aeTitle: 'DCMQRSCP', product: 'DCMTK dcmqrscp', source: 'DCMTK dcmqrscp sample configuration (dcmqrscp.cfg)' },
  { aeTitle: 'STORESCP', product: 'DCMTK storescp', source: 'DCMTK storescp default AE title' },
  { aeTitle: 'ANY-SCP', product: 'DCMTK', source: 'DCMTK tools (findscu, echoscu) default called AE title' },
  { aeTitle: 'CONQUESTSRV1', product: 'Conquest DICOM', source: 'Conquest dicom.ini default MyACRNema' },
  { aeTitle: 'OSIRIX', product: 'OsiriX / Horos', source: 'OsiriX / Horos default listener AE title' },
  { aeTitle: 'HOROS', product: 'OsiriX / Horos', source: 'Horos default listener AE title' },
  { aeTitle: 'CLEARCANVAS', product: 'ClearCanvas', source: 'ClearCanvas Workstation default AE title' },
  { aeTitle: 'PACS', product: 'generic', source: 'common site choice seen in public configuration examples' },
  { aeTitle: 'OFFIS', product: 'DCMTK wlmscpfs', source: 'DCMTK wlmscpfs sample worklist database (dcmwlm/data/wlistdb/OFFIS)' },
];

/** The documented default logins: in observation/, where the report's proof commands read them too. */
export { DEFAULT_CREDENTIALS, type DefaultCredential } from '../observation/default-credentials.ts';
