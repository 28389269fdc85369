/**
 * The lab's servers: how each is configured and what a correct scanner
 * must find on it. Each is a configuration seen in the wild, from wide open
 * to properly locked, on its product's standard port and its own 127.x address.
 */
import type { PlanCounts } from './canary.ts';
import type { WorklistCounts } from './canary-worklist.ts';
import { SET_A, SET_B, type CanaryStudySet } from './canary-plan.ts';

export type LabServerName =
  | 'orthanc-open'
  | 'orthanc-locked'
  | 'orthanc-echo-only'
  | 'dcmqrscp'
  | 'storescp'
  | 'orthanc-default-login'
  | 'dicom-tls'
  | 'web-plain'
  | 'wlmscpfs';
export type LabProduct = 'Orthanc' | 'DCMTK dcmqrscp' | 'DCMTK storescp' | 'DCMTK storescp (TLS)' | 'BusyBox httpd' | 'DCMTK wlmscpfs';

export const LAB_SERVER_NAMES: readonly LabServerName[] = [
  'orthanc-open',
  'orthanc-locked',
  'orthanc-echo-only',
  'dcmqrscp',
  'storescp',
  'orthanc-default-login',
  'dicom-tls',
  'web-plain',
  'wlmscpfs',
];

/** What a correct scanner must find on a server's HTTP port (the web probes). */
export interface LabWebExpectation {
  /** The product the portal probe must name; undefined: it must report nothing (not a PACS). */
  portalProduct?: 'Orthanc';
  login: 'none' | 'basic';
  /** The login accepts a vendor-default credential (found only with --check-logins). */
  defaultLoginAccepted: boolean;
  /** Orthanc REST /system and /statistics and QIDO-RS answer without any credential. */
  openWithoutCredentials: boolean;
}

export interface LabExpectation {
  acceptsAnyCalledAe: boolean;
  aeTitleInDefaultGuessList: boolean;
  echo: boolean;
  find: boolean;
  patients: number;
  studies: number;
  series: number;
  images: number;
  modalities: string[];
  /** Present for servers with an HTTP port. */
  web?: LabWebExpectation;
  /** Present for a DICOM TLS server: the lab's certificate is self-signed. */
  tls?: { selfSigned: boolean };
  /** Present for a modality worklist: what its Modality Worklist C-FIND must count (what was loaded). */
  worklist?: WorklistCounts;
}

export interface LabServer {
  name: LabServerName;
  product: LabProduct;
  ip: string;
  /** Absent for a server that speaks no DICOM (the plain web server). */
  dicomPort?: number;
  httpPort?: number;
  /** True when the HTTP API answers 401 without credentials (none a scanner could guess). */
  httpAuthRequired?: boolean;
  aeTitle: string;
  pid: number;
  /** What a correct scanner must find; counts equal what was loaded (0 when nothing is reachable). */
  expected: LabExpectation;
  /** What the lab loaded and verified on the server, reachable or not. */
  loaded: PlanCounts;
}

/** Orthanc 1.10 configuration switches (names as in `Orthanc --config=-`). */
export interface OrthancSwitches {
  readonly DicomCheckCalledAet: boolean;
  readonly DicomAlwaysAllowEcho: boolean;
  readonly DicomAlwaysAllowFind: boolean;
  readonly DicomAlwaysAllowStore: boolean;
  /** AuthenticationEnabled with one RegisteredUsers entry whose password is random per start. */
  readonly httpAuth: boolean;
  /** The one registered user is Orthanc's documented default (orthanc/orthanc) instead. */
  readonly httpDefaultLogin?: boolean;
}

export interface ServerDefinition {
  readonly name: LabServerName;
  readonly product: LabProduct;
  readonly defaultIp: string;
  readonly dicomPort?: number;
  readonly httpPort?: number;
  readonly aeTitle: string;
  /** Study set loaded into it, if any. */
  readonly studySet?: CanaryStudySet;
  readonly orthanc?: OrthancSwitches;
  readonly web?: LabWebExpectation;
  readonly tls?: { selfSigned: boolean };
  /** Expectations apart from the counts; counts follow from `reachable` and what was loaded. */
  readonly behaviour: Omit<LabExpectation, 'patients' | 'studies' | 'series' | 'images' | 'modalities'> & {
    /** Whether a scanner without credentials can enumerate the loaded studies (C-FIND or HTTP). */
    readonly reachable: boolean;
  };
}

// aeTitleInDefaultGuessList mirrors DEFAULT_AE_TITLES in probes/dicom/ae-titles.ts
// (ORTHANC, DCMQRSCP, STORESCP and OFFIS are listed there); the lab does not import
// probe internals, so a test there should keep the two in step.
export const SERVER_DEFINITIONS: Readonly<Record<LabServerName, ServerDefinition>> = {
  // The common accident: Orthanc's defaults plus remote access, and C-FIND opened to anyone.
  'orthanc-open': {
    name: 'orthanc-open',
    product: 'Orthanc',
    defaultIp: '127.0.0.2',
    dicomPort: 4242,
    httpPort: 8042,
    aeTitle: 'ORTHANC',
    studySet: SET_A,
    orthanc: { DicomCheckCalledAet: false, DicomAlwaysAllowEcho: true, DicomAlwaysAllowFind: true, DicomAlwaysAllowStore: true, httpAuth: false },
    web: { portalProduct: 'Orthanc', login: 'none', defaultLoginAccepted: false, openWithoutCredentials: true },
    behaviour: { acceptsAnyCalledAe: true, aeTitleInDefaultGuessList: true, echo: true, find: true, reachable: true },
  },
  // Done right: an unguessable AE title that is checked, no open C-ECHO/C-FIND, HTTP behind a login.
  // Seen with echoscu 3.6.7 against Orthanc 1.10.1: any other called AE title gets A-ASSOCIATE-RJ
  // reason 7 (called AE title not recognised); even RAD_ARCHIVE_7 itself gets reason 3 (calling AE
  // title not recognised), since no DicomModalities entry lets an unknown caller in.
  'orthanc-locked': {
    name: 'orthanc-locked',
    product: 'Orthanc',
    defaultIp: '127.0.0.3',
    dicomPort: 4242,
    httpPort: 8042,
    aeTitle: 'RAD_ARCHIVE_7',
    studySet: SET_A,
    orthanc: { DicomCheckCalledAet: true, DicomAlwaysAllowEcho: false, DicomAlwaysAllowFind: false, DicomAlwaysAllowStore: false, httpAuth: true },
    web: { portalProduct: 'Orthanc', login: 'basic', defaultLoginAccepted: false, openWithoutCredentials: false },
    behaviour: { acceptsAnyCalledAe: false, aeTitleInDefaultGuessList: false, echo: false, find: false, reachable: false },
  },
  // Orthanc 1.10's default DICOM policy (echo yes, find no) with the HTTP API behind a login,
  // so the only thing visible is that a DICOM node answers.
  // What Orthanc 1.10.1 does with an unknown caller's C-FIND here (checked with findscu 3.6.7
  // and strace): it ACCEPTS the association and the Study/Patient Root FIND presentation
  // context, then answers the C-FIND-RQ with an A-ABORT PDU (07 00 00 00 00 04 00 00 00 00:
  // source 0 = service-user, reason 0) and no C-FIND-RSP; its log says "Rejected Find
  // request from remote DICOM modality". findscu prints "Peer Aborted Association" and
  // still exits 0. A scanner must record this as "find refused", not as a protocol error.
  'orthanc-echo-only': {
    name: 'orthanc-echo-only',
    product: 'Orthanc',
    defaultIp: '127.0.0.6',
    dicomPort: 4242,
    httpPort: 8042,
    aeTitle: 'ORTHANC',
    studySet: SET_A,
    orthanc: { DicomCheckCalledAet: false, DicomAlwaysAllowEcho: true, DicomAlwaysAllowFind: false, DicomAlwaysAllowStore: true, httpAuth: true },
    web: { portalProduct: 'Orthanc', login: 'basic', defaultLoginAccepted: false, openWithoutCredentials: false },
    behaviour: { acceptsAnyCalledAe: true, aeTitleInDefaultGuessList: true, echo: true, find: false, reachable: false },
  },
  // A research archive on DCMTK's sample title: the called AE title is checked (PS3.8 9.3.4
  // reason 7 for any other), but the sample title is the first one anyone guesses.
  dcmqrscp: {
    name: 'dcmqrscp',
    product: 'DCMTK dcmqrscp',
    defaultIp: '127.0.0.4',
    dicomPort: 11112,
    aeTitle: 'DCMQRSCP',
    studySet: SET_B,
    behaviour: { acceptsAnyCalledAe: false, aeTitleInDefaultGuessList: true, echo: true, find: true, reachable: true },
  },
  // A store-only receiver: answers C-ECHO for any called AE title, refuses the C-FIND
  // presentation contexts (abstract syntax not supported), holds nothing.
  storescp: {
    name: 'storescp',
    product: 'DCMTK storescp',
    defaultIp: '127.0.0.5',
    dicomPort: 104,
    aeTitle: 'STORESCP',
    behaviour: { acceptsAnyCalledAe: true, aeTitleInDefaultGuessList: true, echo: true, find: false, reachable: false },
  },
  // Orthanc behind its documented default login (orthanc/orthanc, Orthanc Book "Orthanc for Docker"):
  // DICOM checks the called AE title (ORTHANC, in every guess list) and allows echo only; the web
  // side asks for a login that the first vendor default opens, REST and DICOMweb included.
  'orthanc-default-login': {
    name: 'orthanc-default-login',
    product: 'Orthanc',
    defaultIp: '127.0.0.11',
    dicomPort: 4242,
    httpPort: 8042,
    aeTitle: 'ORTHANC',
    studySet: SET_A,
    orthanc: { DicomCheckCalledAet: true, DicomAlwaysAllowEcho: true, DicomAlwaysAllowFind: false, DicomAlwaysAllowStore: false, httpAuth: true, httpDefaultLogin: true },
    web: { portalProduct: 'Orthanc', login: 'basic', defaultLoginAccepted: true, openWithoutCredentials: false },
    behaviour: { acceptsAnyCalledAe: false, aeTitleInDefaultGuessList: true, echo: true, find: false, reachable: false },
  },
  // DICOM over TLS (PS3.15 Annex B) on its registered port 2762, with a self-signed certificate made
  // at lab start (openssl req -x509); client certificates not required. Store-only, like storescp.
  'dicom-tls': {
    name: 'dicom-tls',
    product: 'DCMTK storescp (TLS)',
    defaultIp: '127.0.0.12',
    dicomPort: 2762,
    aeTitle: 'STORESCP',
    tls: { selfSigned: true },
    behaviour: { acceptsAnyCalledAe: true, aeTitleInDefaultGuessList: true, echo: true, find: false, reachable: false },
  },
  // A plain web server with a welcome page: not a PACS, and must not be reported as one.
  'web-plain': {
    name: 'web-plain',
    product: 'BusyBox httpd',
    defaultIp: '127.0.0.13',
    httpPort: 8080,
    aeTitle: '',
    web: { login: 'none', defaultLoginAccepted: false, openWithoutCredentials: false },
    behaviour: { acceptsAnyCalledAe: false, aeTitleInDefaultGuessList: false, echo: false, find: false, reachable: false },
  },
  // A modality worklist as DCMTK ships it: wlmscpfs on its sample worklist's AE title, OFFIS. It
  // checks the called AE title (a worklist folder of that name must exist; checked with findscu
  // 3.6.7: any other gets A-ASSOCIATE-RJ reason 7, called AE title not recognised) and nothing
  // else: any calling AE reads every scheduled step. It answers C-ECHO and refuses the Study Root
  // context (result 3), so it holds no studies a scanner could count, only the worklist.
  wlmscpfs: {
    name: 'wlmscpfs',
    product: 'DCMTK wlmscpfs',
    defaultIp: '127.0.0.14',
    dicomPort: 104,
    aeTitle: 'OFFIS',
    behaviour: { acceptsAnyCalledAe: false, aeTitleInDefaultGuessList: true, echo: true, find: false, reachable: false },
  },
};

export const NOTHING: PlanCounts = { patients: 0, studies: 0, series: 0, images: 0, modalities: [] };

export function expectationFor(def: ServerDefinition, loaded: PlanCounts, worklist?: WorklistCounts): LabExpectation {
  const { reachable, ...rest } = def.behaviour;
  const counts = reachable ? loaded : NOTHING;
  return {
    ...rest,
    ...counts,
    modalities: [...counts.modalities],
    ...(def.web ? { web: { ...def.web } } : {}),
    ...(def.tls ? { tls: { ...def.tls } } : {}),
    ...(worklist ? { worklist: { ...worklist } } : {}),
  };
}
