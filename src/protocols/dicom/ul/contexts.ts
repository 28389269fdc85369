/**
 * Which presentation contexts an association may carry data on (PS3.8 9.3.2.2, 9.3.3.2),
 * and whether a P-DATA-TF keeps to them (PS3.8 9.3.5.1).
 *
 * A context is usable when the requestor proposed it and the acceptor answered it with
 * result 0 (acceptance) and a transfer syntax. An A-ASSOCIATE-AC may list ids nobody
 * proposed, or accept without naming a transfer syntax: neither makes a usable context.
 */
import type { AAssociateAc, AAssociateRq } from './pdu.ts';
import type { PresentationDataValue } from './pdv.ts';
import { decodeError, type UlDecodeError } from './reader.ts';

/** PS3.8 9.3.3.2: result/reason 0 is acceptance. */
const RESULT_ACCEPTANCE = 0;

/** Presentation context id → accepted transfer syntax, for the contexts both sides agreed on. */
export type AcceptedContexts = ReadonlyMap<number, string>;

export function acceptedContexts(rq: Pick<AAssociateRq, 'presentationContexts'>, ac: Pick<AAssociateAc, 'presentationContexts'>): AcceptedContexts {
  const proposed = new Set(rq.presentationContexts.map((c) => c.id));
  const accepted = new Map<number, string>();
  for (const c of ac.presentationContexts) {
    // PS3.8 9.3.3.2: one answer per proposed context; a repeated id keeps its first answer.
    if (!proposed.has(c.id) || accepted.has(c.id) || c.result !== RESULT_ACCEPTANCE || !c.transferSyntax) continue;
    accepted.set(c.id, c.transferSyntax);
  }
  return accepted;
}

/** PS3.8 9.3.5.1: the PDU header (6 bytes), then per item a 4-byte length before the context id. */
const PDU_HEADER = 6;
const ITEM_LENGTH = 4;
const ITEM_HEADER = ITEM_LENGTH + 2;

/**
 * The first PDV of a P-DATA-TF sent on a context the association did not accept, as a
 * decode error of that PDU (code UNKNOWN_CONTEXT, offset of its presentation context id
 * in the frame); undefined when every PDV keeps to the accepted contexts.
 */
export function pdvOutsideContexts(pdvs: readonly PresentationDataValue[], accepted: AcceptedContexts): UlDecodeError | undefined {
  let offset = PDU_HEADER;
  for (const pdv of pdvs) {
    if (!accepted.has(pdv.contextId)) {
      const ids = [...accepted.keys()].join(', ') || 'none';
      return decodeError('UNKNOWN_CONTEXT', 'presentation context ID', offset + ITEM_LENGTH, `${pdv.contextId} is not a context this association accepted (accepted: ${ids})`);
    }
    offset += ITEM_HEADER + pdv.data.length;
  }
  return undefined;
}
