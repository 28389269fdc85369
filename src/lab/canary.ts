/**
 * Synthetic canary studies: Part-10 files written from the plan in
 * canary-plan.ts, and the list of every planted identifying value.
 *
 * Everything is deterministic (UIDs derive from a fixed seed and the position
 * in the plan), so two lab runs hold byte-identical files and a test can name
 * a study by its UID. Images are 8x8 16-bit MONOCHROME2 gradients: real enough
 * for any archive to accept, too small to matter.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SET_A, SET_B, type CanaryPatient, type CanarySeries, type CanaryStudy, type CanaryStudySet } from './canary-plan.ts';
import { datasetToPart10, type NaturalDataset } from './dcmjs-writer.js';
import { WORKLIST_PERSON_NAME_KEYWORDS, worklistPlantedValues } from './canary-worklist.ts';
import { PlantedValues } from './planted.ts';

export { SET_A, SET_B };
export type { CanaryPatient, CanarySeries, CanaryStudy, CanaryStudySet };

/** PS3.4 B.5: Storage SOP classes of the two modalities the lab writes. */
const SOP_CLASS = { CT: '1.2.840.10008.5.1.4.1.1.2', MR: '1.2.840.10008.5.1.4.1.1.4' } as const;
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const UID_SEED = 'exposure-lab-canary-v1';

export interface PlanCounts {
  readonly patients: number;
  readonly studies: number;
  readonly series: number;
  readonly images: number;
  /** Sorted, distinct. */
  readonly modalities: string[];
}

export function planCounts(set: CanaryStudySet): PlanCounts {
  const studies = set.patients.flatMap((p) => p.studies);
  const series = studies.flatMap((s) => s.series);
  return {
    patients: set.patients.length,
    studies: studies.length,
    series: series.length,
    images: series.reduce((n, s) => n + s.images, 0),
    modalities: [...new Set(series.map((s) => s.modality))].sort(),
  };
}

/**
 * A UID in the PS3.5 B.2 "2.25." form: the decimal value of a UUID. The UUID is
 * name-based (RFC 4122 version 5 layout over SHA-1), so the same name always
 * gives the same UID and different names practically never collide.
 */
export function canaryUid(name: string): string {
  const bytes = createHash('sha1').update(`${UID_SEED}/${name}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50; // version 5
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  return `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString(10)}`;
}

/** Every identifying value planted, per attribute keyword, in the exact text written. */
export function plantedValues(set: CanaryStudySet): Map<string, string[]> {
  const planted = new PlantedValues();
  const add = planted.add.bind(planted);
  for (const p of set.patients) {
    add('PatientName', p.patientName);
    add('PatientID', p.patientId);
    add('OtherPatientIDs', ...p.otherPatientIds);
    add('OtherPatientNames', p.otherPatientNames);
    add('PatientMotherBirthName', p.patientMotherBirthName);
    add('PatientBirthDate', p.patientBirthDate);
    add('PatientSex', p.patientSex);
    add('PatientSize', p.patientSize);
    add('PatientWeight', p.patientWeight);
    add('PatientAddress', p.patientAddress);
    add('PatientTelephoneNumbers', p.patientTelephoneNumbers);
    add('MedicalAlerts', p.medicalAlerts);
    add('Allergies', p.allergies);
    add('AdditionalPatientHistory', p.additionalPatientHistory);
    add('PatientComments', p.patientComments);
    for (const s of p.studies) {
      add('StudyDate', s.studyDate);
      add('StudyID', s.studyId);
      add('AccessionNumber', s.accessionNumber);
      add('StudyDescription', s.studyDescription);
      add('ReferringPhysicianName', s.referringPhysicianName);
      add('NameOfPhysiciansReadingStudy', s.readingPhysicianName);
      add('InstitutionName', s.institutionName);
      add('InstitutionAddress', s.institutionAddress);
      add('AdmittingDiagnosesDescription', s.admittingDiagnosesDescription);
    }
  }
  return planted.byKeyword;
}

/** Attributes with a person-name (PN) value: their components are greppable on their own. */
const PERSON_NAME_KEYWORDS = new Set([
  'PatientName',
  'OtherPatientNames',
  'PatientMotherBirthName',
  'ReferringPhysicianName',
  'NameOfPhysiciansReadingStudy',
  ...WORKLIST_PERSON_NAME_KEYWORDS,
]);

/**
 * Planted values too short or too common to grep for (PatientSex is one
 * letter). They are still written; a privacy test checks their attribute is
 * never reported with a value instead.
 */
export const UNGREPPABLE_KEYWORDS: readonly string[] = ['PatientSex'];

function greppableValues(planted: readonly Map<string, string[]>[]): string[] {
  const out = new Set<string>();
  for (const values of planted) {
    for (const [keyword, list] of values) {
      if (UNGREPPABLE_KEYWORDS.includes(keyword)) continue;
      for (const v of list) {
        out.add(v);
        if (PERSON_NAME_KEYWORDS.has(keyword)) for (const c of v.split('^')) if (c !== '') out.add(c);
      }
    }
  }
  return [...out];
}

/**
 * Every identifying value the lab plants (sets A and B, and the worklist), in
 * the exact text written, plus each component of every person name; PatientSex
 * codes are left out (see UNGREPPABLE_KEYWORDS). Any of these in a scanner's
 * output, log, store or report is a privacy failure.
 */
export const CANARY_VALUES: string[] = greppableValues([plantedValues(SET_A), plantedValues(SET_B), worklistPlantedValues()]);

/** A deterministic 8x8 gradient, different per image so files differ beyond their UIDs. */
function pixels(seed: number): ArrayBuffer {
  const px = new Uint16Array(64);
  for (let i = 0; i < px.length; i++) px[i] = (seed * 97 + (i % 8) * 64 + Math.floor(i / 8) * 16) & 0x0fff;
  return px.buffer;
}

function modalityAttributes(series: CanarySeries, position: number): NaturalDataset {
  if (series.modality === 'CT') {
    return { ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'], KVP: '120', RescaleIntercept: '-1024', RescaleSlope: '1', RescaleType: 'HU' };
  }
  return {
    ImageType: ['ORIGINAL', 'PRIMARY', 'M', 'NONE'],
    ScanningSequence: 'SE',
    SequenceVariant: 'NONE',
    MRAcquisitionType: '2D',
    RepetitionTime: '3000',
    EchoTime: String(80 + position),
    MagneticFieldStrength: '1.5',
  };
}

function imageDataset(
  set: CanaryStudySet,
  patient: CanaryPatient,
  study: CanaryStudy,
  series: CanarySeries,
  ids: { patient: number; study: number; series: number; image: number },
): NaturalDataset {
  const studyKey = `${set.id}/p${ids.patient}/s${ids.study}`;
  const seriesKey = `${studyKey}/r${ids.series}`;
  const sopInstanceUid = canaryUid(`${seriesKey}/i${ids.image}`);
  const sopClassUid = SOP_CLASS[series.modality];
  return {
    _meta: { TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN },
    _vrMap: { PixelData: 'OW' },
    SpecificCharacterSet: 'ISO_IR 100',
    SOPClassUID: sopClassUid,
    SOPInstanceUID: sopInstanceUid,
    StudyDate: study.studyDate,
    SeriesDate: study.studyDate,
    StudyTime: study.studyTime,
    AccessionNumber: study.accessionNumber,
    Modality: series.modality,
    Manufacturer: 'Exposure Lab',
    InstitutionName: study.institutionName,
    InstitutionAddress: study.institutionAddress,
    ReferringPhysicianName: study.referringPhysicianName,
    StudyDescription: study.studyDescription,
    SeriesDescription: series.seriesDescription,
    NameOfPhysiciansReadingStudy: study.readingPhysicianName,
    AdmittingDiagnosesDescription: study.admittingDiagnosesDescription,
    PatientName: patient.patientName,
    PatientID: patient.patientId,
    PatientBirthDate: patient.patientBirthDate,
    PatientSex: patient.patientSex,
    OtherPatientIDs: patient.otherPatientIds,
    OtherPatientNames: patient.otherPatientNames,
    PatientSize: patient.patientSize,
    PatientWeight: patient.patientWeight,
    PatientAddress: patient.patientAddress,
    PatientMotherBirthName: patient.patientMotherBirthName,
    PatientTelephoneNumbers: patient.patientTelephoneNumbers,
    MedicalAlerts: patient.medicalAlerts,
    Allergies: patient.allergies,
    AdditionalPatientHistory: patient.additionalPatientHistory,
    PatientComments: patient.patientComments,
    BodyPartExamined: series.bodyPart,
    SliceThickness: '5',
    ...modalityAttributes(series, ids.image),
    StudyInstanceUID: canaryUid(studyKey),
    SeriesInstanceUID: canaryUid(seriesKey),
    StudyID: study.studyId,
    SeriesNumber: String(ids.series),
    InstanceNumber: String(ids.image),
    ImagePositionPatient: ['-100', '-100', String(ids.image * 5)],
    ImageOrientationPatient: ['1', '0', '0', '0', '1', '0'],
    FrameOfReferenceUID: canaryUid(`${seriesKey}/frame`),
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: 8,
    Columns: 8,
    PixelSpacing: ['0.5', '0.5'],
    BitsAllocated: 16,
    BitsStored: 12,
    HighBit: 11,
    PixelRepresentation: 0,
    WindowCenter: '40',
    WindowWidth: '400',
    PixelData: [pixels(ids.patient * 100 + ids.study * 10 + ids.series + ids.image)],
  };
}

export interface WrittenStudySet {
  readonly folder: string;
  readonly files: string[];
  readonly counts: PlanCounts;
}

/**
 * Writes one study set under `folder` (pat1/study1/…). Every other image has
 * no `.dcm` extension, as archives and shares often hold them, so loaders and
 * file probes cannot rely on the name.
 */
export async function writeStudySet(set: CanaryStudySet, folder: string): Promise<WrittenStudySet> {
  const files: string[] = [];
  let written = 0;
  for (const [pi, patient] of set.patients.entries()) {
    for (const [si, study] of patient.studies.entries()) {
      const studyFolder = join(folder, `pat${pi + 1}`, `study${si + 1}`);
      await mkdir(studyFolder, { recursive: true });
      for (const [ri, series] of study.series.entries()) {
        for (let ii = 1; ii <= series.images; ii++) {
          const ids = { patient: pi + 1, study: si + 1, series: ri + 1, image: ii };
          const bytes = datasetToPart10(imageDataset(set, patient, study, series, ids));
          const base = `${series.modality}${ids.series}_${String(ii).padStart(4, '0')}`;
          const path = join(studyFolder, written % 2 === 0 ? `${base}.dcm` : `IM${base}`);
          await writeFile(path, bytes);
          files.push(path);
          written++;
        }
      }
    }
  }
  return { folder, files, counts: planCounts(set) };
}
