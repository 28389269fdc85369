/**
 * What imaging products ship with, as reviewed data with a source for every
 * entry: the AE titles they answer to out of the box and their documented
 * default logins. The DICOM and web probes try them on the wire; the
 * configuration audit recognises them in an owner's files. A public file of
 * probes/ (no probe code), so both read one table.
 *
 * Passwords live here because they are public vendor documentation; they are
 * never written to an observation, a log or a report (only the user name is).
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
];

export interface DefaultCredential {
  /** Product name as the fingerprints give it. */
  readonly product: string;
  readonly user: string;
  readonly password: string;
  readonly source: string;
}

export const DEFAULT_CREDENTIALS: readonly DefaultCredential[] = [
  {
    product: 'Orthanc',
    user: 'orthanc',
    password: 'orthanc',
    source:
      'Orthanc Book, users/docker.rst ("The default username is orthanc and its password is orthanc"); Orthanc NEWS after 1.12.8: versions before it create a default user "orthanc" when RegisteredUsers is empty',
  },
  {
    product: 'Orthanc',
    user: 'alice',
    password: 'alicePassword',
    source: 'Orthanc Resources/Configuration.json, the RegisteredUsers example shipped in the default configuration',
  },
];
