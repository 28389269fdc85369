/**
 * Reports written while the services go by. A streaming format is laid out
 * once, as a document of three parts: the text before the services, each
 * service's entries, the text after. The same layout is either collected into
 * one string (the renderers' form, for small runs, packs and tests) or handed
 * out in chunks while the store's pages are read, so memory holds a page and
 * the aggregates, never the run's list of services.
 */
import type { ServiceReport } from './model.ts';

export interface ServiceDocument<S = ServiceReport> {
  /** Text before the first service. */
  readonly head: string;
  /** A service's entries, in order: none when it has nothing in this format, several for one per finding. */
  entries(s: S): readonly string[];
  /** Text between two entries, wherever their services are. */
  readonly separator: string;
  /** Text after the last service, given how many entries came before it (a JSON array closes differently when empty). */
  tail(entries: number): string;
}

/** A document of lines (NDJSON, CSV): a first line or none, then the entries as they are. */
export function lineDocument<S = ServiceReport>(head: string, entries: (s: S) => readonly string[]): ServiceDocument<S> {
  return { head, entries, separator: '', tail: () => '' };
}

/** Writes entries with their separators, counting them for the tail. */
function entryWriter<S>(doc: ServiceDocument<S>): { next(s: S): string; end(): string } {
  let written = 0;
  return {
    next(s) {
      let text = '';
      for (const entry of doc.entries(s)) {
        text += written > 0 ? doc.separator + entry : entry;
        written += 1;
      }
      return text;
    },
    end: () => doc.tail(written),
  };
}

/** The whole document as one string. */
export function collectDocument<S>(doc: ServiceDocument<S>, services: Iterable<S>): string {
  const writer = entryWriter(doc);
  let text = doc.head;
  for (const s of services) text += writer.next(s);
  return text + writer.end();
}

// Chunks of about this many characters: few enough writes that a million
// services cost no more in calls than in text, small enough to hold at once.
const CHUNK = 64 * 1024;

/** The same document in chunks, as the services come. No I/O here: the caller reads and writes. */
export async function* streamDocument<S>(doc: ServiceDocument<S>, services: AsyncIterable<S>): AsyncIterable<string> {
  const writer = entryWriter(doc);
  let pending = doc.head;
  for await (const s of services) {
    pending += writer.next(s);
    if (pending.length >= CHUNK) {
      yield pending;
      pending = '';
    }
  }
  yield pending + writer.end();
}

/**
 * Several documents over one pass of the services (the two CSV tables): each
 * step gives one chunk per document, in the documents' order; a chunk may be
 * empty. The services are read once, whatever the number of documents.
 */
export async function* streamDocuments(docs: readonly ServiceDocument[], services: AsyncIterable<ServiceReport>): AsyncIterable<string[]> {
  const writers = docs.map(entryWriter);
  let pending = docs.map((d) => d.head);
  for await (const s of services) {
    pending = pending.map((text, i) => text + (writers[i] as ReturnType<typeof entryWriter>).next(s));
    if (pending.some((text) => text.length >= CHUNK)) {
      yield pending;
      pending = docs.map(() => '');
    }
  }
  yield pending.map((text, i) => text + (writers[i] as ReturnType<typeof entryWriter>).end());
}

/**
 * A JSON text with one array written item by item: the text before the
 * array's first item and after its last, and the indents, exactly as
 * `stringify` (an indent of 2) lays out the whole. Found by stringifying the
 * text twice, with an empty and with a one-item array in the array's place:
 * the two differ only there, whatever strings the rest holds, so no marker
 * that a peer's text could imitate is searched for.
 */
export function jsonArrayDocument<S = ServiceReport>(
  stringify: (value: unknown) => string,
  around: (array: unknown[]) => unknown,
  items: (s: S) => readonly unknown[],
): ServiceDocument<S> {
  const empty = stringify(around([]));
  const one = stringify(around([0]));
  let open = 0;
  while (open < empty.length && empty[open] === one[open]) open += 1;
  const close = empty.slice(open); // "]" and all after it
  const indents = /^\n( +)0\n( *)$/.exec(one.slice(open, one.length - close.length));
  if (!indents || !one.endsWith(close)) throw new Error('jsonArrayDocument: stringify must indent, and around() must place the array once');
  const [, itemIndent = '', closeIndent = ''] = indents;
  const indented = (value: unknown): string => `\n${itemIndent}${stringify(value).replace(/\n/g, `\n${itemIndent}`)}`;
  return {
    head: empty.slice(0, open),
    entries: (s) => items(s).map(indented),
    separator: ',',
    tail: (n) => (n > 0 ? `\n${closeIndent}${close}` : close),
  };
}
