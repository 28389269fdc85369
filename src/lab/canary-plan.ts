/**
 * The lab's fake patients: realistic shapes, canary values.
 *
 * Every identifying attribute (PS3.15 Annex E, as listed in
 * privacy/identifying-attributes.ts) holds a value no real record or tool
 * output would contain, so a privacy test can grep any scanner output for
 * CANARY_VALUES (canary.ts) and fail on a single hit. Rules for a value:
 * a made-up word of six letters or more, or a CNRY token, or a number with
 * enough digits (weights, heights, dates) that a collision is implausible.
 * Phone numbers use Ofcom's 01632 960xxx range, reserved for fiction.
 *
 * Set A goes into the three Orthanc servers, set B into dcmqrscp.
 */

export type CanaryModality = 'CT' | 'MR';

export interface CanarySeries {
  readonly modality: CanaryModality;
  readonly seriesDescription: string;
  readonly bodyPart: string;
  readonly images: number;
}

export interface CanaryStudy {
  readonly studyDate: string;
  readonly studyTime: string;
  readonly studyId: string;
  readonly accessionNumber: string;
  readonly studyDescription: string;
  readonly referringPhysicianName: string;
  readonly readingPhysicianName: string;
  readonly institutionName: string;
  readonly institutionAddress: string;
  readonly admittingDiagnosesDescription: string;
  readonly series: readonly CanarySeries[];
}

export interface CanaryPatient {
  readonly patientName: string;
  readonly patientId: string;
  readonly otherPatientIds: readonly string[];
  readonly otherPatientNames: string;
  readonly patientMotherBirthName: string;
  readonly patientBirthDate: string;
  /** A one-letter code: planted, but too short to grep (see CANARY_PLANTED). */
  readonly patientSex: 'F' | 'M' | 'O';
  /** Metres, as a DS string. */
  readonly patientSize: string;
  /** Kilograms, as a DS string. */
  readonly patientWeight: string;
  readonly patientAddress: string;
  readonly patientTelephoneNumbers: string;
  readonly medicalAlerts: string;
  readonly allergies: string;
  readonly additionalPatientHistory: string;
  readonly patientComments: string;
  readonly studies: readonly CanaryStudy[];
}

export interface CanaryStudySet {
  /** Folder name under the lab's studies folder, and part of every UID seed. */
  readonly id: 'set-a' | 'set-b';
  readonly patients: readonly CanaryPatient[];
}

const EASTBRIDGE = 'Eastbridge Larkmoor Infirmary';
const EASTBRIDGE_ADDRESS = '2 Thistlewood Row, Eastbridge EB4 7QX';
const WRENHOLLOW = 'Wrenhollow Quarry Clinic';
const WRENHOLLOW_ADDRESS = '17 Cobblemere Lane, Wrenhollow WH9 2JD';

/** 3 patients, 4 studies, 5 series, 10 images; CT and MR. */
export const SET_A: CanaryStudySet = {
  id: 'set-a',
  patients: [
    {
      patientName: 'QUILLFEATHER^ROSAMUND',
      patientId: 'CNRY83410277',
      otherPatientIds: ['CNRYX5512093', 'CNRYN7730418'],
      otherPatientNames: 'QUILLFEATHER-ASHCOMBE^ROSAMUND',
      patientMotherBirthName: 'ASHCOMBE^WINIFRED',
      patientBirthDate: '19470312',
      patientSex: 'F',
      patientSize: '1.63418',
      patientWeight: '61.2847',
      patientAddress: '41 Larkspur Close, Eastbridge EB2 6RT',
      patientTelephoneNumbers: '+44 1632 960417',
      medicalAlerts: 'Pacemaker fitted (CNRY-ALERT-2291)',
      allergies: 'Penicillin, latex (CNRY-ALG-4418)',
      additionalPatientHistory: 'Ex-smoker, persistent cough since 2019 (CNRY-HX-83410277)',
      patientComments: 'Prefers morning slots; hard of hearing (CNRY-CMT-6620)',
      studies: [
        {
          studyDate: '20130719',
          studyTime: '101532',
          studyId: 'CNRYS4401',
          accessionNumber: 'CNRYA90817342',
          studyDescription: 'CT THORAX W/O CONTRAST CNRY-SD-4401',
          referringPhysicianName: 'BRAMBLEWICK^THADDEUS',
          readingPhysicianName: 'FENWHISTLE^AUGUSTINA',
          institutionName: EASTBRIDGE,
          institutionAddress: EASTBRIDGE_ADDRESS,
          admittingDiagnosesDescription: 'Suspected pulmonary nodule CNRY-DX-4401',
          series: [{ modality: 'CT', seriesDescription: 'Axial 5mm', bodyPart: 'CHEST', images: 3 }],
        },
        {
          studyDate: '20140226',
          studyTime: '143008',
          studyId: 'CNRYS4402',
          accessionNumber: 'CNRYA90817388',
          studyDescription: 'MR BRAIN WITH GADOLINIUM CNRY-SD-4402',
          referringPhysicianName: 'BRAMBLEWICK^THADDEUS',
          readingPhysicianName: 'CORRIGALE^BARNABY',
          institutionName: EASTBRIDGE,
          institutionAddress: EASTBRIDGE_ADDRESS,
          admittingDiagnosesDescription: 'Recurrent headaches CNRY-DX-4402',
          series: [{ modality: 'MR', seriesDescription: 'T2 axial', bodyPart: 'HEAD', images: 2 }],
        },
      ],
    },
    {
      patientName: 'HARROWGATE^PEREGRINE',
      patientId: 'CNRY51962038',
      otherPatientIds: ['CNRYX6620154'],
      otherPatientNames: 'HARROWGATE^PERRINGTON',
      patientMotherBirthName: 'MOSSBECK^CLEMENTINA',
      patientBirthDate: '19580927',
      patientSex: 'M',
      patientSize: '1.81377',
      patientWeight: '88.6193',
      patientAddress: '9 Gorsedale Mews, Eastbridge EB7 1LP',
      patientTelephoneNumbers: '+44 1632 960582',
      medicalAlerts: 'Anticoagulated (CNRY-ALERT-3307)',
      allergies: 'Iodinated contrast (CNRY-ALG-5126)',
      additionalPatientHistory: 'Right flank pain, haematuria (CNRY-HX-51962038)',
      patientComments: 'Interpreter needed (CNRY-CMT-7731)',
      studies: [
        {
          studyDate: '20150511',
          studyTime: '091247',
          studyId: 'CNRYS4403',
          accessionNumber: 'CNRYA90817415',
          studyDescription: 'CT ABDOMEN PELVIS CNRY-SD-4403',
          referringPhysicianName: 'MOSSBECK^HORATIA',
          readingPhysicianName: 'FENWHISTLE^AUGUSTINA',
          institutionName: EASTBRIDGE,
          institutionAddress: EASTBRIDGE_ADDRESS,
          admittingDiagnosesDescription: 'Renal colic CNRY-DX-4403',
          series: [
            { modality: 'CT', seriesDescription: 'Axial 3mm', bodyPart: 'ABDOMEN', images: 2 },
            { modality: 'CT', seriesDescription: 'Coronal reformat', bodyPart: 'ABDOMEN', images: 1 },
          ],
        },
      ],
    },
    {
      patientName: 'MARROWFEN^ISOLDE',
      patientId: 'CNRY27705316',
      otherPatientIds: ['CNRYX7184402'],
      otherPatientNames: 'MARROWFEN-TRELAWNEY^ISOLDE',
      patientMotherBirthName: 'TRELAWNEY^GWENDOLINE',
      patientBirthDate: '19810604',
      patientSex: 'F',
      patientSize: '1.70952',
      patientWeight: '66.4071',
      patientAddress: '3 Hazelbrook Yard, Eastbridge EB1 9NS',
      patientTelephoneNumbers: '+44 1632 960733',
      medicalAlerts: 'Claustrophobia (CNRY-ALERT-4185)',
      allergies: 'None known (CNRY-ALG-6039)',
      additionalPatientHistory: 'Twisting injury left knee (CNRY-HX-27705316)',
      patientComments: 'Wheelchair access (CNRY-CMT-8842)',
      studies: [
        {
          studyDate: '20160830',
          studyTime: '160455',
          studyId: 'CNRYS4404',
          accessionNumber: 'CNRYA90817461',
          studyDescription: 'MR KNEE LEFT CNRY-SD-4404',
          referringPhysicianName: 'CORRIGALE^BARNABY',
          readingPhysicianName: 'BRAMBLEWICK^THADDEUS',
          institutionName: EASTBRIDGE,
          institutionAddress: EASTBRIDGE_ADDRESS,
          admittingDiagnosesDescription: 'Meniscal tear query CNRY-DX-4404',
          series: [{ modality: 'MR', seriesDescription: 'PD sagittal', bodyPart: 'KNEE', images: 2 }],
        },
      ],
    },
  ],
};

/** 2 patients, 3 studies, 3 series, 7 images; CT and MR. */
export const SET_B: CanaryStudySet = {
  id: 'set-b',
  patients: [
    {
      patientName: 'TALLOWBRIDGE^CORMAC',
      patientId: 'CNRY64128850',
      otherPatientIds: ['CNRYX8293311'],
      otherPatientNames: 'TALLOWBRIDGE^CORMACK',
      patientMotherBirthName: 'PENDLEBURY^ROWENNA',
      patientBirthDate: '19390118',
      patientSex: 'M',
      patientSize: '1.76204',
      patientWeight: '79.8352',
      patientAddress: '56 Brackenfold Road, Wrenhollow WH3 4AZ',
      patientTelephoneNumbers: '+44 1632 960864',
      medicalAlerts: 'Diabetic, insulin (CNRY-ALERT-5062)',
      allergies: 'Sulfonamides (CNRY-ALG-7254)',
      additionalPatientHistory: 'Fall at home, confusion (CNRY-HX-64128850)',
      patientComments: 'Next of kin: daughter (CNRY-CMT-9913)',
      studies: [
        {
          studyDate: '20120403',
          studyTime: '083319',
          studyId: 'CNRYS5501',
          accessionNumber: 'CNRYA71140526',
          studyDescription: 'CT HEAD W/O CONTRAST CNRY-SD-5501',
          referringPhysicianName: 'GLASSWORTHY^EDMUNDINE',
          readingPhysicianName: 'PENNYWHISTLE^LUCASTA',
          institutionName: WRENHOLLOW,
          institutionAddress: WRENHOLLOW_ADDRESS,
          admittingDiagnosesDescription: 'Head injury CNRY-DX-5501',
          series: [{ modality: 'CT', seriesDescription: 'Axial brain', bodyPart: 'HEAD', images: 2 }],
        },
        {
          studyDate: '20120405',
          studyTime: '112740',
          studyId: 'CNRYS5502',
          accessionNumber: 'CNRYA71140571',
          studyDescription: 'MR LUMBAR SPINE CNRY-SD-5502',
          referringPhysicianName: 'GLASSWORTHY^EDMUNDINE',
          readingPhysicianName: 'PENNYWHISTLE^LUCASTA',
          institutionName: WRENHOLLOW,
          institutionAddress: WRENHOLLOW_ADDRESS,
          admittingDiagnosesDescription: 'Back pain after fall CNRY-DX-5502',
          series: [{ modality: 'MR', seriesDescription: 'T1 sagittal', bodyPart: 'LSPINE', images: 2 }],
        },
      ],
    },
    {
      patientName: 'GLIMMERDALE^OTTILIE',
      patientId: 'CNRY39057714',
      otherPatientIds: ['CNRYX9402267'],
      otherPatientNames: 'GLIMMERDALE-VANTREE^OTTILIE',
      patientMotherBirthName: 'VANTREE^ARABELLA',
      patientBirthDate: '19920821',
      patientSex: 'F',
      patientSize: '1.58831',
      patientWeight: '54.9216',
      patientAddress: '12 Foxglove Terrace, Wrenhollow WH6 8EE',
      patientTelephoneNumbers: '+44 1632 960951',
      medicalAlerts: 'Asthma (CNRY-ALERT-6148)',
      allergies: 'Aspirin (CNRY-ALG-8361)',
      additionalPatientHistory: 'Chest pain on exertion (CNRY-HX-39057714)',
      patientComments: 'Pregnancy test negative (CNRY-CMT-1024)',
      studies: [
        {
          studyDate: '20170112',
          studyTime: '150921',
          studyId: 'CNRYS5503',
          accessionNumber: 'CNRYA71140603',
          studyDescription: 'CT PULMONARY ANGIOGRAM CNRY-SD-5503',
          referringPhysicianName: 'WINTERBOURNE^ALARIC',
          readingPhysicianName: 'PENNYWHISTLE^LUCASTA',
          institutionName: WRENHOLLOW,
          institutionAddress: WRENHOLLOW_ADDRESS,
          admittingDiagnosesDescription: 'Suspected embolism CNRY-DX-5503',
          series: [{ modality: 'CT', seriesDescription: 'CTPA arterial', bodyPart: 'CHEST', images: 3 }],
        },
      ],
    },
  ],
};
