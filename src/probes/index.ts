/** Every probe, in one explicit list: adding a protocol is adding a folder and a line here. */
import { dicomProbe } from './dicom/index.ts';
import { dicomTlsProbe } from './dicom-tls/index.ts';
import { dicomwebProbe } from './dicomweb/index.ts';
import { ftpProbe } from './ftp/index.ts';
import { nfsProbe } from './nfs/index.ts';
import { orthancProbe } from './orthanc/index.ts';
import { portalProbe } from './portal/index.ts';
import type { Probe } from './probe.ts';
import { rsyncProbe } from './rsync/index.ts';
import { smbProbe } from './smb/index.ts';

export const PROBES: readonly Probe[] = [dicomProbe, dicomTlsProbe, portalProbe, orthancProbe, dicomwebProbe, ftpProbe, smbProbe, rsyncProbe, nfsProbe];
