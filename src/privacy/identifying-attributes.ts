/**
 * Attributes whose presence in a response means a service exposes patients.
 *
 * Source: DICOM PS3.15 Annex E, Table E.1-1 (Application Level Confidentiality
 * Profile Attributes) for which attributes identify a patient; the class is our
 * own grouping for reports: direct identifiers name the person, quasi-identifiers
 * narrow them down, sensitive attributes say something about their health,
 * context attributes name where care happened. Tags from PS3.6.
 */
import type { AttributeClass } from '../observation/observation.ts';

export interface IdentifyingAttribute {
  readonly keyword: string;
  /** Group and element, eight upper-case hex digits. */
  readonly tag: string;
  readonly class: AttributeClass;
}

export const IDENTIFYING_ATTRIBUTES: readonly IdentifyingAttribute[] = [
  { keyword: 'PatientName', tag: '00100010', class: 'direct-identifier' },
  { keyword: 'PatientID', tag: '00100020', class: 'direct-identifier' },
  { keyword: 'OtherPatientIDs', tag: '00101000', class: 'direct-identifier' },
  { keyword: 'OtherPatientNames', tag: '00101001', class: 'direct-identifier' },
  { keyword: 'PatientBirthName', tag: '00101005', class: 'direct-identifier' },
  { keyword: 'PatientMotherBirthName', tag: '00101060', class: 'direct-identifier' },
  { keyword: 'PatientAddress', tag: '00101040', class: 'direct-identifier' },
  { keyword: 'PatientTelephoneNumbers', tag: '00102154', class: 'direct-identifier' },
  { keyword: 'MedicalRecordLocator', tag: '00102155', class: 'direct-identifier' },
  { keyword: 'AdmissionID', tag: '00380010', class: 'direct-identifier' },
  { keyword: 'PatientBirthDate', tag: '00100030', class: 'quasi-identifier' },
  { keyword: 'PatientBirthTime', tag: '00100032', class: 'quasi-identifier' },
  { keyword: 'PatientSex', tag: '00100040', class: 'quasi-identifier' },
  { keyword: 'PatientAge', tag: '00101010', class: 'quasi-identifier' },
  { keyword: 'PatientSize', tag: '00101020', class: 'quasi-identifier' },
  { keyword: 'PatientWeight', tag: '00101030', class: 'quasi-identifier' },
  { keyword: 'EthnicGroup', tag: '00102160', class: 'quasi-identifier' },
  { keyword: 'Occupation', tag: '00102180', class: 'quasi-identifier' },
  { keyword: 'AccessionNumber', tag: '00080050', class: 'quasi-identifier' },
  { keyword: 'StudyDate', tag: '00080020', class: 'quasi-identifier' },
  { keyword: 'StudyID', tag: '00200010', class: 'quasi-identifier' },
  { keyword: 'AdditionalPatientHistory', tag: '001021B0', class: 'sensitive' },
  { keyword: 'PatientComments', tag: '00104000', class: 'sensitive' },
  { keyword: 'MedicalAlerts', tag: '00102000', class: 'sensitive' },
  { keyword: 'Allergies', tag: '00102110', class: 'sensitive' },
  { keyword: 'PregnancyStatus', tag: '001021C0', class: 'sensitive' },
  { keyword: 'StudyDescription', tag: '00081030', class: 'sensitive' },
  { keyword: 'AdmittingDiagnosesDescription', tag: '00081080', class: 'sensitive' },
  { keyword: 'RequestedProcedureDescription', tag: '00321060', class: 'sensitive' },
  { keyword: 'ScheduledProcedureStepDescription', tag: '00400007', class: 'sensitive' },
  { keyword: 'ReferringPhysicianName', tag: '00080090', class: 'context' },
  { keyword: 'InstitutionName', tag: '00080080', class: 'context' },
  { keyword: 'InstitutionAddress', tag: '00080081', class: 'context' },
  { keyword: 'NameOfPhysiciansReadingStudy', tag: '00081060', class: 'context' },
  { keyword: 'PerformingPhysicianName', tag: '00081050', class: 'context' },
  { keyword: 'RequestingPhysician', tag: '00321032', class: 'context' },
  { keyword: 'ScheduledPerformingPhysicianName', tag: '00400006', class: 'context' },
];

const BY_TAG = new Map(IDENTIFYING_ATTRIBUTES.map((a) => [a.tag, a]));

export function identifyingAttributeByTag(tag: string): IdentifyingAttribute | undefined {
  return BY_TAG.get(tag.toUpperCase());
}
