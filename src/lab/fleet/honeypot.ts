/**
 * Honeypot personas for the lab: simulated SCPs (scp.ts) that behave as the
 * public DICOM honeypots do, so the scanner's honeypot assessment is tested
 * against their ways and the real servers beside them are not flagged.
 * No honeypot package exists in the registries; these follow their public source:
 *  - 'dicomhawk-ge-ct': DICOMHawk (pynetdicom) with its "ge_ct" vendor persona
 *    (honeynet/DICOMHawk dicom_server/core/vendor_personas.py), pynetdicom's
 *    default maximum PDU (16382), any called AE title accepted;
 *  - 'dicompot': dicompot (go-netdicom), whose acceptor accepts every context
 *    and any called AE title and sends no implementation class UID
 *    (nsmfoo/dicompot contextmanager.go, statemachine.go).
 * Every instance answers a Study Root C-FIND with the same lure studies:
 * DICOMHawk's published sample studies (dicom_server/storage/sample_tcia_data,
 * public de-identified test data), with synthetic patient ids, at once.
 */
import net from 'node:net';
import { encodeDataset } from '../../protocols/dicom/dataset/encode.ts';
import { Tags } from '../../protocols/dicom/dataset/tag.ts';
import { UID } from '../../protocols/dicom/uids.ts';
import { serveScp, type ScpPersona } from './scp.ts';

export const HONEYPOT_PERSONA_NAMES = ['dicomhawk-ge-ct', 'dicompot'] as const;
export type HoneypotPersonaName = (typeof HONEYPOT_PERSONA_NAMES)[number];

/** The StudyInstanceUIDs of DICOMHawk's sample studies (folder names under sample_tcia_data/CT and /MR). */
export const DICOMHAWK_SAMPLE_STUDIES: readonly string[] = [
  '1.2.826.0.1.3680043.8.498.12789618790915575737569169577709574058',
  '1.2.826.0.1.3680043.8.498.41747937481231429594425601806493478324',
  '1.2.826.0.1.3680043.8.498.44332593349059635271472846871645659900',
  '1.2.826.0.1.3680043.8.498.46316696679784040321276909407618254115',
  '1.2.826.0.1.3680043.8.498.51124740674841311872969826194585880486',
  '1.2.826.0.1.3680043.8.498.58669736542305382855730930244121988214',
  '1.2.826.0.1.3680043.8.498.66102171793526349306276293030861669810',
  '1.2.826.0.1.3680043.8.498.90055437863574373707335490243842875769',
  '1.2.826.0.1.3680043.8.498.99840597448218397131606914894463064250',
  '1.2.826.0.1.3680043.8.498.10016530598716229545556354630675336346',
  '1.2.826.0.1.3680043.8.498.11056066153490659290670526801442649204',
  '1.2.826.0.1.3680043.8.498.11519997722692684500088745411169056945',
  '1.2.826.0.1.3680043.8.498.11888112058071025657057967243360502339',
  '1.2.826.0.1.3680043.8.498.12645847045629770682637553302672826138',
  '1.2.826.0.1.3680043.8.498.12851311793227958258648782747982183755',
  '1.2.826.0.1.3680043.8.498.22948900337817704030380606946454005116',
  '1.2.826.0.1.3680043.8.498.48689595924039569729132912117968444145',
  '1.2.826.0.1.3680043.8.498.52646395242122471142806229622199450712',
  '1.2.826.0.1.3680043.8.498.61185429242941491998901137907616115919',
  '1.2.826.0.1.3680043.8.498.65120751395402212102282663379583114382',
  '1.2.826.0.1.3680043.8.498.70136330041439720145944702763426846921',
  '1.2.826.0.1.3680043.8.498.77158241914882687983336433942002658174',
  '1.2.826.0.1.3680043.8.498.80545970942555911093186671539853379974',
  '1.2.826.0.1.3680043.8.498.86501642064911014989766849611882652300',
  '1.2.826.0.1.3680043.8.498.88919413328939057310684704396468125831',
  '1.2.826.0.1.3680043.8.498.90447984118889125290656930539760021955',
];
const CT_STUDIES = 9;
/** Synthetic patient ids the lure studies are spread over. */
const LURE_PATIENTS = 6;

let lureMatches: Buffer[] | undefined;

/** The lure studies' identifiers (PS3.4 C.6.2.1.2), Implicit VR LE, with the study-related counts a scanner sums. */
function lureStudyMatches(): readonly Buffer[] {
  lureMatches ??= DICOMHAWK_SAMPLE_STUDIES.map((uid, k) =>
    encodeDataset(
      [
        { tag: Tags.QueryRetrieveLevel, vr: 'CS', value: 'STUDY' },
        { tag: Tags.ModalitiesInStudy, vr: 'CS', value: k < CT_STUDIES ? 'CT' : 'MR' },
        { tag: Tags.StudyInstanceUID, vr: 'UI', value: uid },
        { tag: Tags.PatientID, vr: 'LO', value: `LURE-${k % LURE_PATIENTS}` },
        { tag: Tags.NumberOfStudyRelatedSeries, vr: 'IS', value: '1' },
        { tag: Tags.NumberOfStudyRelatedInstances, vr: 'IS', value: String(1 + (k % 2)) },
      ],
      UID.implicitVrLittleEndian,
    ),
  );
  return lureMatches;
}

export function honeypotPersona(name: HoneypotPersonaName): ScpPersona {
  switch (name) {
    case 'dicomhawk-ge-ct':
      return { userInformation: { maxLength: 16382, implementationClassUid: '1.2.840.113619.6.96', implementationVersionName: 'GE_PACS_REV_24' }, studyMatches: lureStudyMatches() };
    case 'dicompot':
      return { userInformation: { maxLength: 16384 }, studyMatches: lureStudyMatches() };
    default: {
      const never: never = name;
      return never;
    }
  }
}

export interface HoneypotInstance {
  /** In 127.0.0.0/8. */
  readonly ip: string;
  readonly port: number;
  readonly persona: HoneypotPersonaName;
}

export interface Honeypots {
  close(): Promise<void>;
}

/** Listens for every instance; closes those already listening if one cannot. */
export async function startHoneypots(instances: readonly HoneypotInstance[]): Promise<Honeypots> {
  const servers: net.Server[] = [];
  const close = (): Promise<void> => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined);
  try {
    for (const i of instances) {
      if (!i.ip.startsWith('127.')) throw new Error(`${i.ip} is not a loopback address: honeypot personas only listen on 127.0.0.0/8`);
      const behaviour = { kind: 'open' as const, aeTitle: '', slowMs: 0, rttMs: 0, findMatches: 0, persona: honeypotPersona(i.persona) };
      const server = net.createServer({ noDelay: true }, (socket) => serveScp(socket, behaviour));
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: i.ip, port: i.port }, () => resolve());
      });
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { close };
}
