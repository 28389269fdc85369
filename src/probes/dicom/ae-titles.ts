/**
 * Called AE titles the probe tries, in order.
 *
 * First one that no site would configure on purpose: if it is accepted, the
 * service does not check the called AE title at all. Only when the peer rejects
 * with PS3.8 9.3.4 source 1 reason 7 ("called AE title not recognised") does
 * the probe go on to the user's titles and then to product defaults, stopping
 * at the first accepted.
 */
export const UNLIKELY_CALLED_AE_TITLE = 'XQ-NO-SUCH-AE-7';

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

export interface CalledAeCandidate {
  readonly aeTitle: string;
  readonly origin: 'unlikely' | 'user' | 'guess-list';
  readonly product?: string;
}

/** The ordered, de-duplicated titles to try; the first is always the unlikely one. */
export function calledAeCandidates(userTitles: readonly string[], useGuessList: boolean): CalledAeCandidate[] {
  const out: CalledAeCandidate[] = [{ aeTitle: UNLIKELY_CALLED_AE_TITLE, origin: 'unlikely' }];
  const seen = new Set([UNLIKELY_CALLED_AE_TITLE]);
  for (const t of userTitles) {
    if (!seen.has(t)) out.push({ aeTitle: t, origin: 'user' });
    seen.add(t);
  }
  if (useGuessList) {
    for (const d of DEFAULT_AE_TITLES) {
      if (!seen.has(d.aeTitle)) out.push({ aeTitle: d.aeTitle, origin: 'guess-list', product: d.product });
      seen.add(d.aeTitle);
    }
  }
  return out;
}

