/** Adds up what several shares of one server expose (counts summed, "at least" if any part is). */
import type { AttributeInventory, Count, ExposureCounts, Observation } from '../../observation/observation.ts';

function add(a: Count | undefined, b: Count | undefined): Count | undefined {
  if (!a) return b;
  if (!b) return a;
  return { n: a.n + b.n, atLeast: a.atLeast || b.atLeast };
}

function mergeExposure(a: ExposureCounts, b: ExposureCounts): ExposureCounts {
  const out: ExposureCounts = {};
  for (const k of ['patients', 'studies', 'series', 'images', 'files', 'bytes'] as const) {
    const v = add(a[k], b[k]);
    if (v) out[k] = v;
  }
  return out;
}

function mergeInventory(a: AttributeInventory | undefined, b: AttributeInventory | undefined): AttributeInventory | undefined {
  if (!a) return b;
  if (!b) return a;
  const byTag = new Map(a.attributes.map((x) => [x.tag, { ...x }]));
  for (const x of b.attributes) {
    const have = byTag.get(x.tag);
    if (have) have.present += x.present;
    else byTag.set(x.tag, { ...x });
  }
  return { records: a.records + b.records, attributes: [...byTag.values()].sort((x, y) => x.tag.localeCompare(y.tag)) };
}

/**
 * One share's walk added to the server's observation; then, if the walk broke before any bound
 * did, its failure thrown for the probe's boundary to map (the counts added stand, as lower bounds).
 */
export function foldWalk(observation: Pick<Observation, 'exposure' | 'inventory'>, outcome: { readonly exposure: ExposureCounts; readonly inventory?: AttributeInventory; readonly failure?: unknown }): void {
  observation.exposure = mergeExposure(observation.exposure, outcome.exposure);
  const inventory = mergeInventory(observation.inventory, outcome.inventory);
  if (inventory) observation.inventory = inventory;
  if (outcome.failure !== undefined) throw outcome.failure;
}
