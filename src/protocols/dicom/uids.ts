/** UIDs from PS3.6 Annex A and PS3.4 that the scanner and the lab name. */
export const UID = {
  applicationContext: '1.2.840.10008.3.1.1.1', // PS3.7 Annex A.2.1: DICOM Application Context Name
  verification: '1.2.840.10008.1.1', // PS3.4 A.4: Verification SOP Class
  studyRootFind: '1.2.840.10008.5.1.4.1.2.2.1', // PS3.4 C.6.2.1: Study Root Q/R Information Model - FIND
  patientRootFind: '1.2.840.10008.5.1.4.1.2.1.1', // PS3.4 C.6.1.1: Patient Root Q/R Information Model - FIND
  modalityWorklistFind: '1.2.840.10008.5.1.4.31', // PS3.4 K.6.1: Modality Worklist Information Model - FIND
  implicitVrLittleEndian: '1.2.840.10008.1.2',
  explicitVrLittleEndian: '1.2.840.10008.1.2.1',
  explicitVrBigEndian: '1.2.840.10008.1.2.2', // retired, still seen on old peers
} as const;
