/**
 * Called AE titles the probe tries, in order.
 *
 * First one that no site would configure on purpose: if it is accepted, the
 * service does not check the called AE title at all. Only when the peer rejects
 * with PS3.8 9.3.4 source 1 reason 7 ("called AE title not recognised") does
 * the probe go on to the user's titles and then to product defaults, stopping
 * at the first accepted. The product defaults are a table of ../vendor-defaults.ts.
 */
import { DEFAULT_AE_TITLES } from '../vendor-defaults.ts';

export const UNLIKELY_CALLED_AE_TITLE = 'XQ-NO-SUCH-AE-7';

export interface CalledAeCandidate {
  readonly aeTitle: string;
  readonly origin: 'unlikely' | 'user' | 'guess-list';
  readonly product?: string;
}

/** The ordered, de-duplicated titles to try; the first is always the unlikely one. */
export function calledAeCandidates(userTitles: readonly string[], useGuessList: boolean): CalledAeCandidate[] {
  const out: CalledAeCandidate[] = [{ aeTitle: UNLIKELY_CALLED_AE_TITLE, origin: 'unlikely' }];
  const seen = new Set([UNLIKELY_CALLED_AE_TITLE]);
  for (const t of userTitles) {
    if (!seen.has(t)) out.push({ aeTitle: t, origin: 'user' });
    seen.add(t);
  }
  if (useGuessList) {
    for (const d of DEFAULT_AE_TITLES) {
      if (!seen.has(d.aeTitle)) out.push({ aeTitle: d.aeTitle, origin: 'guess-list', product: d.product });
      seen.add(d.aeTitle);
    }
  }
  return out;
}

