/** Phrases every rule family's evidence shares, composed from counts and keywords only. */
import { countText, plural } from '../observation/count.ts';
import type { AttributeInventory, Count, Observation } from '../observation/observation.ts';

/** "12", "at least 5000", or "an unknown number of" when the probe could not count. */
export function countPhrase(c: Count | undefined): string {
  return c ? countText(c, 'at least ') : 'an unknown number of';
}

/** "1 study", "at least 5000 studies", "an unknown number of studies": countPhrase and its noun. */
export function countedPhrase(c: Count | undefined, one: string, many?: string): string {
  return `${countPhrase(c)} ${plural(c?.n ?? 0, one, many)}`;
}

/** The identifying attributes an inventory counts as returned, by keyword (never a value); `none` when there were none. */
export function inventoryKeywords(inventory: AttributeInventory | undefined, none = 'none'): string {
  const k = (inventory?.attributes ?? []).filter((a) => a.present > 0).map((a) => a.keyword);
  return k.length > 0 ? k.join(', ') : none;
}

/** The identifying attributes the peer returned (the observation's inventory), by keyword. */
export function identifyingKeywords(o: Observation, none = 'none'): string {
  return inventoryKeywords(o.inventory, none);
}
