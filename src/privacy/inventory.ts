/**
 * Counts which identifying attributes came back non-empty across the records
 * a probe read. It is fed tags and lengths, never values.
 */
import type { AttributeInventory } from '../observation/observation.ts';
import { identifyingAttributeByTag } from './identifying-attributes.ts';

export class InventoryBuilder {
  private records = 0;
  private readonly present = new Map<string, number>();

  /** One record (a C-FIND match, a file header): the tags it carried with a non-empty value. */
  addRecord(nonEmptyTags: Iterable<string>): void {
    this.records += 1;
    const seen = new Set<string>();
    for (const raw of nonEmptyTags) {
      const tag = raw.toUpperCase();
      if (seen.has(tag) || !identifyingAttributeByTag(tag)) continue;
      seen.add(tag);
      this.present.set(tag, (this.present.get(tag) ?? 0) + 1);
    }
  }

  get recordCount(): number {
    return this.records;
  }

  build(): AttributeInventory {
    const attributes = [...this.present.entries()]
      .map(([tag, present]) => {
        const a = identifyingAttributeByTag(tag)!;
        return { keyword: a.keyword, tag: a.tag, class: a.class, present };
      })
      .sort((x, y) => x.tag.localeCompare(y.tag));
    return { records: this.records, attributes };
  }
}
