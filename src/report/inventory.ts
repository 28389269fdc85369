/**
 * The identifying attributes a service exposed, as a report names them: by
 * keyword, from the inventory's counts. Names only, never a value.
 */
import type { AttributeInventory } from '../observation/observation.ts';

/** Keywords of the identifying attributes present in at least one record read, in the inventory's order (by tag). */
export function presentKeywords(inventory: AttributeInventory | undefined): string[] {
  return (inventory?.attributes ?? []).filter((a) => a.present > 0).map((a) => a.keyword);
}
