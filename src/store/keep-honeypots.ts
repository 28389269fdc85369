/**
 * A reader whose aggregates count likely honeypots too (`--keep-honeypots`):
 * every other read is the reader's own. Reports and the scan's closing summary
 * are handed it instead of the reader, and need no option of their own (the
 * dashboard always leaves likely honeypots out, and says how many).
 */
import type { AggregateView } from './aggregate-queries.ts';
import type { StoreReader } from './store.ts';

/** The reader methods that take an AggregateView as their last argument, and where it goes. */
const VIEW_AT: Partial<Record<keyof StoreReader, number>> = {
  runTotals: 1,
  inventory: 1,
  breakdown: 2,
  topServers: 2,
  imagesPerServer: 1,
  findingsByRule: 1,
  runCounts: 1,
};

const KEEP: AggregateView = { keepHoneypots: true };

export function keepingHoneypots(reader: StoreReader): StoreReader {
  return new Proxy(reader, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const at = VIEW_AT[prop as keyof StoreReader];
      const fn = value as (...args: unknown[]) => unknown;
      if (at === undefined) return fn.bind(target);
      return (...args: unknown[]) => {
        const padded = args.slice(0, at);
        while (padded.length < at) padded.push(undefined);
        return fn.apply(target, [...padded, KEEP]);
      };
    },
  });
}
