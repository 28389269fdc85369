/**
 * Products told apart by how they behave, where their A-ASSOCIATE-AC only names the
 * toolkit they are built on. Orthanc answers with DCMTK's implementation class UID and
 * version name, like DCMTK's own dcmqrscp, storescp and wlmscpfs; what differs is how
 * it answers the exchanges the probe makes anyway (the guess list's titles, the Study
 * Root C-FIND), so no extra connection or request is needed to read it.
 *
 * Each fact is a closed word read from the stored details (never a peer's value); each
 * entry names the facts it needs, what it adds toward the confidence, and where the
 * behaviour was seen and is documented. Entries of one product add up: three or more
 * is "likely", two a "guess", less names nothing. Only the REST API of the same host
 * (scan/correlate.ts) makes it "certain".
 *
 * Measured against the lab's Orthanc 1.10.1 (open, locked, echo-only, default login),
 * dcmqrscp, storescp and wlmscpfs, all on DCMTK 3.6.7 (Debian 12), with one association
 * per called AE title proposing Verification, Study Root FIND and Modality Worklist FIND:
 * every one of them sends the same identifiers, a maximum PDU length of 16384 and picks
 * Explicit VR Little Endian; these facts are where they part.
 */
import type { DicomDetails, Product } from '../../observation/observation.ts';
import { nameAndVersion } from '../../observation/product.ts';
import { UID } from '../../protocols/dicom/uids.ts';
import { fingerprintDicom } from './fingerprints.ts';
import { UNLIKELY_CALLED_AE_TITLE } from './ae-titles.ts';

/** What the probe's own exchanges showed, in words of our own. */
export type BehaviourFact =
  /** An unlikely called AE title was rejected (PS3.8 9.3.4 reason 7) and ORTHANC, Orthanc's default DicomAet, accepted. */
  | 'called-ae-orthanc-accepted'
  /** The Study Root FIND context was accepted, and the C-FIND-RQ answered by the service user's A-ABORT, no response. */
  | 'find-refused-by-abort'
  /** STUDY-level matches carried Specific Character Set (0008,0005), which the query did not ask for. */
  | 'find-adds-specific-character-set'
  /** STUDY-level matches filled NumberOfStudyRelatedSeries and NumberOfStudyRelatedInstances. */
  | 'find-fills-study-related-counts';

const BEHAVIOUR_FACT_TEXT: Readonly<Record<BehaviourFact, string>> = {
  'called-ae-orthanc-accepted': 'only called AE ORTHANC accepted',
  'find-refused-by-abort': 'C-FIND refused with an A-ABORT',
  'find-adds-specific-character-set': 'C-FIND matches add Specific Character Set',
  'find-fills-study-related-counts': 'C-FIND matches fill the study-related counts',
};

export interface BehaviourFingerprint {
  readonly product: string;
  /** The toolkit whose identifiers the product answers with: the facts are read only over those. */
  readonly toolkit: string;
  readonly requires: readonly BehaviourFact[];
  /** What the entry adds toward the confidence when all its facts hold. */
  readonly weight: number;
  readonly source: string;
}

export const BEHAVIOUR_FINGERPRINTS: readonly BehaviourFingerprint[] = [
  {
    product: 'Orthanc',
    toolkit: 'DCMTK',
    requires: ['find-adds-specific-character-set'],
    weight: 2,
    source:
      'Orthanc Configuration.json, "DefaultEncoding": "used when answering C-Find requests"; its TODO: C-Find "always uses the DefaultEncoding in the response". ' +
      'Seen on every match of the lab\'s open Orthanc 1.10.1; dcmqrscp 3.6.7 leaves it out, as PS3.4 C.4.1.1.3.2 allows when no extended character set is used.',
  },
  {
    product: 'Orthanc',
    toolkit: 'DCMTK',
    requires: ['find-fills-study-related-counts'],
    weight: 1,
    source:
      'Orthanc computes them from its index (OrthancServer/Sources/OrthancFindRequestHandler.cpp, the computed tags); dcmqrscp 3.6.7 leaves both keys out of its matches (seen in the lab). ' +
      'Other archives fill them too, hence the small weight.',
  },
  {
    product: 'Orthanc',
    toolkit: 'DCMTK',
    requires: ['find-refused-by-abort'],
    weight: 2,
    source:
      'Orthanc 1.10.1 with "DicomAlwaysAllowFind": false (its default) accepts the FIND context, then answers an unknown caller\'s C-FIND-RQ with A-ABORT source 0 reason 0, logging "Rejected Find request" (lab, findscu and strace). ' +
      'DCMTK\'s own SCPs refuse the context (storescp, wlmscpfs) or answer.',
  },
  {
    product: 'Orthanc',
    toolkit: 'DCMTK',
    requires: ['called-ae-orthanc-accepted'],
    weight: 1,
    source:
      'Orthanc Configuration.json: "DicomAet": "ORTHANC" with "DicomCheckCalledAet" switched on; the lab\'s default-login Orthanc. ' +
      'A DCMTK SCP takes its title from its own configuration, so ORTHANC there is possible but rare: a hint, not a name.',
  },
];

/** Weights at or above these name the product. */
const LIKELY = 3;
const GUESS = 2;

const REJECT_CALLED_AE_NOT_RECOGNISED = 7;
/** PS3.8 9.3.8: source 0 is the upper-layer service user, the DICOM application itself. */
const ABORT_BY_SERVICE_USER = 0;

/** The facts a DICOM observation's details show. */
export function behaviourFacts(d: DicomDetails): BehaviourFact[] {
  const facts: BehaviourFact[] = [];
  const first = d.attempts[0];
  if (
    first?.calledAeTitle === UNLIKELY_CALLED_AE_TITLE &&
    first.outcome === 'rejected' &&
    first.reject?.reason === REJECT_CALLED_AE_NOT_RECOGNISED &&
    d.acceptedCalledAeTitle === 'ORTHANC'
  ) {
    facts.push('called-ae-orthanc-accepted');
  }
  const findAccepted = d.peer?.acceptedContexts.some((c) => c.abstractSyntax === UID.studyRootFind) === true;
  if (findAccepted && d.find.outcome === 'aborted' && d.find.matches === 0 && d.find.abort?.source === ABORT_BY_SERVICE_USER) facts.push('find-refused-by-abort');
  if ((d.find.answer?.specificCharacterSet ?? 0) > 0) facts.push('find-adds-specific-character-set');
  if ((d.find.answer?.studyRelatedCounts ?? 0) > 0) facts.push('find-fills-study-related-counts');
  return facts;
}

export interface BehaviourVerdict {
  readonly product: string;
  /** The toolkit the identifiers named, with its version when they gave one. */
  readonly toolkit: { readonly name: string; readonly version?: string };
  readonly confidence: 'likely' | 'guess';
  /** The facts that counted, in the order the table lists them. */
  readonly facts: readonly BehaviourFact[];
}

/**
 * What the behaviour says the product is, over the toolkit its identifiers name; undefined
 * when the identifiers name no toolkit of the table, or the behaviour adds up to too little.
 * Pure: reads the details only, so stored observations can be asked again.
 */
export function productByBehaviour(d: DicomDetails): BehaviourVerdict | undefined {
  const named = fingerprintDicom(d.peer?.implementationClassUid, d.peer?.implementationVersionName);
  if (!named) return undefined;
  const facts = new Set(behaviourFacts(d));
  const weights = new Map<string, { weight: number; facts: BehaviourFact[] }>();
  for (const fp of BEHAVIOUR_FINGERPRINTS) {
    if (fp.toolkit !== named.name || !fp.requires.every((f) => facts.has(f))) continue;
    const sum = weights.get(fp.product) ?? { weight: 0, facts: [] };
    sum.weight += fp.weight;
    for (const f of fp.requires) if (!sum.facts.includes(f)) sum.facts.push(f);
    weights.set(fp.product, sum);
  }
  const best = [...weights.entries()].sort((a, b) => b[1].weight - a[1].weight)[0];
  if (!best || best[1].weight < GUESS) return undefined;
  const [product, { weight, facts: counted }] = best;
  return {
    product,
    toolkit: { name: named.name, ...(named.version ? { version: named.version } : {}) },
    confidence: weight >= LIKELY ? 'likely' : 'guess',
    facts: counted,
  };
}

/**
 * The product to record: the behaviour's, over the toolkit the identifiers named, when it
 * says more than they do; the identifiers' own otherwise. A product of the toolkit's is
 * kept as the toolkit, and no version is claimed (the toolkit's is not the product's).
 */
export function refineByBehaviour(identified: Product | undefined, d: DicomDetails): Product | undefined {
  if (!identified || identified.identifiedBy !== 'implementation-uid') return identified;
  const verdict = productByBehaviour(d);
  if (!verdict) return identified;
  return {
    name: verdict.product,
    basis: `DICOM behaviour: ${verdict.facts.map((f) => BEHAVIOUR_FACT_TEXT[f]).join('; ')}; identifiers of ${nameAndVersion(verdict.toolkit)}`,
    confidence: verdict.confidence,
    identifiedBy: 'dicom-behaviour',
    toolkit: verdict.toolkit,
  };
}
