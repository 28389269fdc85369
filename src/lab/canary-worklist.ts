/**
 * The lab's worklist: scheduled procedure steps of made-up patients, written as
 * the .wl files DCMTK's wlmscpfs serves (one DICOM file per step, in a folder
 * named after the called AE title, beside a lockfile: wlmscpfs.txt, DCMTK 3.6.7).
 *
 * Every identifying value follows canary-plan.ts's rules (a made-up word of six
 * letters or more, a CNRY token, or a number with enough digits), so a privacy
 * test can grep a scanner's output for them (CANARY_VALUES in canary.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { datasetToPart10, type NaturalDataset } from './dcmjs-writer.js';
import { PlantedValues } from './planted.ts';

export interface CanaryWorklistPatient {
  readonly patientName: string;
  readonly patientId: string;
  readonly patientBirthDate: string;
  /** A one-letter code: planted, too short to grep (UNGREPPABLE_KEYWORDS in canary.ts). */
  readonly patientSex: 'F' | 'M' | 'O';
  readonly patientWeight: string;
  readonly medicalAlerts: string;
  readonly allergies: string;
  readonly admissionId: string;
}

export interface CanaryScheduledStep {
  readonly patient: CanaryWorklistPatient;
  readonly accessionNumber: string;
  readonly referringPhysicianName: string;
  readonly requestingPhysician: string;
  readonly requestedProcedureId: string;
  readonly requestedProcedureDescription: string;
  readonly modality: 'CT' | 'MR' | 'US';
  readonly scheduledStationAeTitle: string;
  readonly startDate: string;
  readonly startTime: string;
  readonly scheduledPerformingPhysicianName: string;
  readonly scheduledProcedureStepDescription: string;
  readonly scheduledProcedureStepId: string;
}

const TANSYMARSH: CanaryWorklistPatient = {
  patientName: 'TANSYMARSH^THEOBALD',
  patientId: 'CNRYW31870452',
  patientBirthDate: '19520814',
  patientSex: 'M',
  patientWeight: '77.3916',
  medicalAlerts: 'Claustrophobic (CNRY-WALERT-1187)',
  allergies: 'Shellfish (CNRY-WALG-2290)',
  admissionId: 'CNRYADM55102',
};

const GLIMMERDALE: CanaryWorklistPatient = {
  patientName: 'GLIMMERDALE^PRISCILLA',
  patientId: 'CNRYW42981563',
  patientBirthDate: '19690203',
  patientSex: 'F',
  patientWeight: '58.7421',
  medicalAlerts: 'Metal fragment left eye (CNRY-WALERT-2298)',
  allergies: 'Gadolinium (CNRY-WALG-3301)',
  admissionId: 'CNRYADM66213',
};

const OAKENSHAW: CanaryWorklistPatient = {
  patientName: 'OAKENSHAW^LEOFRIC',
  patientId: 'CNRYW53092674',
  patientBirthDate: '19810630',
  patientSex: 'M',
  patientWeight: '91.0583',
  medicalAlerts: 'Diabetic, on metformin (CNRY-WALERT-3309)',
  allergies: 'None known (CNRY-WALG-4412)',
  admissionId: 'CNRYADM77324',
};

/** 4 scheduled procedure steps of 3 patients; CT, MR and US. */
export const CANARY_WORKLIST: readonly CanaryScheduledStep[] = [
  {
    patient: TANSYMARSH,
    accessionNumber: 'CNRYWA7700131',
    referringPhysicianName: 'WYVERNLEA^AMBROSE',
    requestingPhysician: 'THORNCASTLE^GISELLE',
    requestedProcedureId: 'CNRYRP7701',
    requestedProcedureDescription: 'CT ABDOMEN PELVIS CNRY-RPD-7701',
    modality: 'CT',
    scheduledStationAeTitle: 'CT_SCANNER1',
    startDate: '20260316',
    startTime: '083000',
    scheduledPerformingPhysicianName: 'MARLOWBRAKE^ISOLDINE',
    scheduledProcedureStepDescription: 'Contrast-enhanced CT CNRY-SPSD-7701',
    scheduledProcedureStepId: 'CNRYSPS7701',
  },
  {
    patient: TANSYMARSH,
    accessionNumber: 'CNRYWA7700132',
    referringPhysicianName: 'WYVERNLEA^AMBROSE',
    requestingPhysician: 'THORNCASTLE^GISELLE',
    requestedProcedureId: 'CNRYRP7702',
    requestedProcedureDescription: 'MR LIVER CNRY-RPD-7702',
    modality: 'MR',
    scheduledStationAeTitle: 'MR_SCANNER1',
    startDate: '20260316',
    startTime: '110000',
    scheduledPerformingPhysicianName: 'MARLOWBRAKE^ISOLDINE',
    scheduledProcedureStepDescription: 'Liver MR with diffusion CNRY-SPSD-7702',
    scheduledProcedureStepId: 'CNRYSPS7702',
  },
  {
    patient: GLIMMERDALE,
    accessionNumber: 'CNRYWA7700245',
    referringPhysicianName: 'QUENBY^ROWLAND',
    requestingPhysician: 'QUENBY^ROWLAND',
    requestedProcedureId: 'CNRYRP7703',
    requestedProcedureDescription: 'MR KNEE RIGHT CNRY-RPD-7703',
    modality: 'MR',
    scheduledStationAeTitle: 'MR_SCANNER1',
    startDate: '20260316',
    startTime: '141500',
    scheduledPerformingPhysicianName: 'SALTERBURN^EDWINA',
    scheduledProcedureStepDescription: 'Knee MR, suspected meniscal tear CNRY-SPSD-7703',
    scheduledProcedureStepId: 'CNRYSPS7703',
  },
  {
    patient: OAKENSHAW,
    accessionNumber: 'CNRYWA7700358',
    referringPhysicianName: 'PENDLEBURY^CASIMIR',
    requestingPhysician: 'FAIRWEATHER^DELPHINE',
    requestedProcedureId: 'CNRYRP7704',
    requestedProcedureDescription: 'US ABDOMEN CNRY-RPD-7704',
    modality: 'US',
    scheduledStationAeTitle: 'US_ROOM2',
    startDate: '20260317',
    startTime: '093000',
    scheduledPerformingPhysicianName: 'SALTERBURN^EDWINA',
    scheduledProcedureStepDescription: 'Abdominal ultrasound, gallstones CNRY-SPSD-7704',
    scheduledProcedureStepId: 'CNRYSPS7704',
  },
];

export interface WorklistCounts {
  /** Scheduled procedure steps: one worklist item each. */
  readonly items: number;
  /** Distinct PatientID values. */
  readonly patients: number;
}

export function worklistCounts(steps: readonly CanaryScheduledStep[] = CANARY_WORKLIST): WorklistCounts {
  return { items: steps.length, patients: new Set(steps.map((s) => s.patient.patientId)).size };
}

/** Every identifying value the worklist plants, per attribute keyword, in the exact text written. */
export function worklistPlantedValues(steps: readonly CanaryScheduledStep[] = CANARY_WORKLIST): Map<string, string[]> {
  const planted = new PlantedValues();
  const add = planted.add.bind(planted);
  for (const s of steps) {
    const p = s.patient;
    add('PatientName', p.patientName);
    add('PatientID', p.patientId);
    add('PatientBirthDate', p.patientBirthDate);
    add('PatientSex', p.patientSex);
    add('PatientWeight', p.patientWeight);
    add('MedicalAlerts', p.medicalAlerts);
    add('Allergies', p.allergies);
    add('AdmissionID', p.admissionId);
    add('AccessionNumber', s.accessionNumber);
    add('ReferringPhysicianName', s.referringPhysicianName);
    add('RequestingPhysician', s.requestingPhysician);
    add('RequestedProcedureDescription', s.requestedProcedureDescription);
    add('ScheduledPerformingPhysicianName', s.scheduledPerformingPhysicianName);
    add('ScheduledProcedureStepDescription', s.scheduledProcedureStepDescription);
  }
  return planted.byKeyword;
}

/** Person-name attributes of the worklist: their components are greppable on their own. */
export const WORKLIST_PERSON_NAME_KEYWORDS: readonly string[] = ['PatientName', 'ReferringPhysicianName', 'RequestingPhysician', 'ScheduledPerformingPhysicianName'];

const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** One .wl file: the attributes wlmscpfs requires of a worklist file (it rejects incomplete ones by default). */
function worklistDataset(s: CanaryScheduledStep, studyInstanceUid: string): NaturalDataset {
  const p = s.patient;
  return {
    _meta: { TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN },
    SpecificCharacterSet: 'ISO_IR 100',
    AccessionNumber: s.accessionNumber,
    ReferringPhysicianName: s.referringPhysicianName,
    PatientName: p.patientName,
    PatientID: p.patientId,
    PatientBirthDate: p.patientBirthDate,
    PatientSex: p.patientSex,
    PatientWeight: p.patientWeight,
    MedicalAlerts: p.medicalAlerts,
    Allergies: p.allergies,
    StudyInstanceUID: studyInstanceUid,
    RequestingPhysician: s.requestingPhysician,
    RequestedProcedureDescription: s.requestedProcedureDescription,
    AdmissionID: p.admissionId,
    ScheduledProcedureStepSequence: [
      {
        Modality: s.modality,
        ScheduledStationAETitle: s.scheduledStationAeTitle,
        ScheduledProcedureStepStartDate: s.startDate,
        ScheduledProcedureStepStartTime: s.startTime,
        ScheduledPerformingPhysicianName: s.scheduledPerformingPhysicianName,
        ScheduledProcedureStepDescription: s.scheduledProcedureStepDescription,
        ScheduledProcedureStepID: s.scheduledProcedureStepId,
      },
    ],
    RequestedProcedureID: s.requestedProcedureId,
  };
}

export interface WrittenWorklist {
  /** The data files path wlmscpfs is given (-dfp); the worklist itself is in its AE title's folder. */
  readonly folder: string;
  readonly files: string[];
  readonly counts: WorklistCounts;
}

/**
 * Writes the worklist under `folder`/`aeTitle`: one .wl file per scheduled step and
 * the empty lockfile wlmscpfs locks while it reads. `uid` makes each step's study UID.
 */
export async function writeWorklist(folder: string, aeTitle: string, uid: (name: string) => string, steps: readonly CanaryScheduledStep[] = CANARY_WORKLIST): Promise<WrittenWorklist> {
  const aeFolder = join(folder, aeTitle);
  await mkdir(aeFolder, { recursive: true });
  await writeFile(join(aeFolder, 'lockfile'), '');
  const files: string[] = [];
  for (const [i, s] of steps.entries()) {
    const path = join(aeFolder, `step${i + 1}.wl`);
    await writeFile(path, datasetToPart10(worklistDataset(s, uid(`worklist/${s.requestedProcedureId}`))));
    files.push(path);
  }
  return { folder, files, counts: worklistCounts(steps) };
}
