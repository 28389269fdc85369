/**
 * One C-FIND exchange as an SCU (PS3.7 9.1.2, PS3.4 C.4.1): send the request,
 * hand each pending match's identifier to a callback, stop at a cap with
 * C-CANCEL (PS3.7 9.3.2.3), return how it ended. Every response, before and
 * after the C-CANCEL, must be a C-FIND-RSP to our message id on our context;
 * anything else ends the association at once, and the matches counted up to
 * there are returned with the error.
 *
 * The cap means stop: after the C-CANCEL the peer has a short grace for its
 * final response (PS3.4 C.4.1.2.3: status Cancel); a peer that keeps sending
 * matches instead, or nothing, is cut with an A-ABORT when the grace is over.
 * Whatever ends the exchange (that, a timeout, the peer's abort), the matches
 * counted stand.
 */
import { encodeDataset, encodeFindIdentifier, type ElementInput, type FindKey, type QueryRetrieveLevel } from '../../protocols/dicom/dataset/encode.ts';
import { Priority } from '../../protocols/dicom/dimse/messages.ts';
import { Status, statusClass } from '../../protocols/dicom/dimse/status.ts';
import { UID } from '../../protocols/dicom/uids.ts';
import type { DimseOutcome } from '../../observation/observation.ts';
import { Deadline } from '../../net/deadline.ts';
import { NetError } from '../../net/errors.ts';
import { AssociationProtocolError, type Association } from './association.ts';

export interface FindContext {
  readonly id: number;
  readonly transferSyntax: string;
}

/**
 * What is asked, and of which information model: Study Root Q/R at a level with
 * flat keys (PS3.4 C.6.2), or a Modality Worklist identifier (PS3.4 K.6.1), which
 * has no Query/Retrieve Level and nests its keys in a sequence item.
 */
export type FindQuery =
  | { readonly model: 'study-root'; readonly level: QueryRetrieveLevel; readonly keys: readonly FindKey[] }
  | { readonly model: 'modality-worklist'; readonly identifier: readonly ElementInput[] };

export interface FindRequest {
  readonly messageId: number;
  readonly query: FindQuery;
  readonly maxMatches: number;
}

export interface FindOutcome {
  readonly outcome: DimseOutcome;
  readonly status?: number;
  readonly matches: number;
  /** True when the cap stopped it: counts built from it are lower bounds. */
  readonly capped: boolean;
  /**
   * What ended the exchange early: a protocol error (outcome 'protocol-error'), or a wait
   * that ran out or a connection lost (outcome 'timeout' or 'aborted'; the association is
   * aborted). The matches before it stand, as lower bounds.
   */
  readonly error?: AssociationProtocolError | NetError;
  /** The peer's A-ABORT (PS3.8 9.3.8) in place of a response: Orthanc refuses a C-FIND this way. */
  readonly abort?: { readonly source: number; readonly reason: number };
}

/** Longest wait for the final response after our C-CANCEL: the I/O timeout if shorter. */
export const CANCEL_GRACE_MS = 1000;

/**
 * The study-level and worklist queries are the same bytes for every service: encode
 * each once per transfer syntax instead of once per probe (dcmjs encoding was a
 * measurable share of a fleet sweep). Queries carrying values are encoded each time.
 */
const identifierCache = new WeakMap<object, Map<string, Buffer>>();

function cached(key: object, variant: string, encode: () => Buffer): Buffer {
  let byVariant = identifierCache.get(key);
  if (!byVariant) identifierCache.set(key, (byVariant = new Map()));
  let bytes = byVariant.get(variant);
  if (!bytes) byVariant.set(variant, (bytes = encode()));
  return bytes;
}

function identifierFor(query: FindQuery, transferSyntax: string): Buffer {
  if (query.model === 'modality-worklist') return cached(query.identifier, transferSyntax, () => encodeDataset(query.identifier, transferSyntax));
  const { level, keys } = query;
  if (keys.some((k) => k.value !== undefined && k.value !== '')) return encodeFindIdentifier(level, keys, transferSyntax);
  return cached(keys, `${level}|${transferSyntax}`, () => encodeFindIdentifier(level, keys, transferSyntax));
}

/** PS3.4 C.4.1.1.1: the Affected SOP Class of a C-FIND-RQ names the information model. */
const SOP_CLASS: Record<FindQuery['model'], string> = {
  'study-root': UID.studyRootFind,
  'modality-worklist': UID.modalityWorklistFind,
};

export async function cFind(
  association: Association,
  context: FindContext,
  request: FindRequest,
  onMatch: (identifier: Buffer | undefined) => void,
): Promise<FindOutcome> {
  const state = { matches: 0, capped: false };
  let grace: Deadline | undefined;
  try {
    return await exchange(association, context, request, onMatch, state, async () => {
      state.capped = true;
      await association.send(context.id, { type: 'C-CANCEL-RQ', messageIdBeingRespondedTo: request.messageId });
      const { ioTimeoutMs, signal } = association.limits;
      grace = new Deadline(Math.min(CANCEL_GRACE_MS, ioTimeoutMs), signal, 'the wait for the final response to our C-CANCEL');
      return grace.signal;
    });
  } catch (err) {
    // A wait that ran out (the grace, the I/O timeout, the probe's deadline) or a connection
    // lost: the upper layer has aborted the association; what was counted is kept.
    if (!(err instanceof NetError)) throw err;
    return { outcome: err.code === 'io-timeout' ? 'timeout' : 'aborted', matches: state.matches, capped: state.capped, error: err };
  } finally {
    grace?.end();
  }
}

/** The request and its responses; `cancel` sends the C-CANCEL and returns the signal that bounds the wait after it. */
async function exchange(
  association: Association,
  context: FindContext,
  request: FindRequest,
  onMatch: (identifier: Buffer | undefined) => void,
  state: { matches: number; capped: boolean },
  cancel: () => Promise<AbortSignal>,
): Promise<FindOutcome> {
  const identifier = identifierFor(request.query, context.transferSyntax);
  await association.send(
    context.id,
    { type: 'C-FIND-RQ', messageId: request.messageId, affectedSopClassUid: SOP_CLASS[request.query.model], priority: Priority.Medium },
    identifier,
  );
  const end = (outcome: DimseOutcome, status?: number): FindOutcome => ({ outcome, ...(status === undefined ? {} : { status }), matches: state.matches, capped: state.capped });
  let bound = association.limits.signal;
  if (request.maxMatches <= 0) bound = await cancel();
  const expected = { type: 'C-FIND-RSP', messageId: request.messageId, contextId: context.id } as const;
  for (;;) {
    const r = await association.response(expected, bound).catch((err: unknown) => {
      if (err instanceof AssociationProtocolError) return err;
      throw err;
    });
    if (r instanceof AssociationProtocolError) return { ...end('protocol-error'), error: r };
    // Orthanc 1.10, refusing an unknown caller's C-FIND, aborts the association instead of answering.
    if (r.kind === 'aborted') return { ...end('aborted'), abort: { source: r.abort.source, reason: r.abort.reason } };
    if (r.kind === 'closed') return end('aborted');
    const msg = r.response;
    const cls = statusClass(msg.status);
    if (cls === 'pending') {
      if (state.capped) continue; // matches in flight when our C-CANCEL arrived, or a peer ignoring it: not counted
      state.matches += 1;
      onMatch(r.dataset);
      if (state.matches >= request.maxMatches) bound = await cancel();
      continue;
    }
    switch (cls) {
      case 'success':
      case 'warning':
        return end('success', msg.status);
      case 'cancel':
        return end(state.capped ? 'success' : 'failed', msg.status);
      case 'failure':
        return end(isRefusal(msg.status) ? 'refused' : 'failed', msg.status);
      case 'unknown':
        return end('failed', msg.status);
    }
  }
}

/** PS3.7 C.5 / PS3.4 C.4.1.1.4: statuses by which a peer says "not for you" rather than "I broke". */
function isRefusal(status: number): boolean {
  return status === Status.NotAuthorized || status === Status.SopClassNotSupported || status === Status.OutOfResources;
}
