/**
 * Runs an async function over a stream with at most `limit` calls in flight,
 * pulling from the source only as slots free up: a stream of millions of
 * targets is never held in memory.
 *
 * `limit` workers each pull the next item when their previous one is done.
 * (Racing a set of in-flight promises for every item would attach a reaction
 * to each of them per item: O(limit) work and retained closures per item.)
 */
export async function forEachConcurrent<T>(
  source: Iterable<T> | AsyncIterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  // A plain iterable (a permuted target space) is pulled without an await per item: nothing to wait for.
  const syncIterator = Symbol.asyncIterator in source ? undefined : source[Symbol.iterator]();
  const asyncIterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : undefined;
  let firstError: unknown;
  let failed = false;
  let exhausted = false;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (signal?.aborted || failed || exhausted) return;
      let next: IteratorResult<T>;
      try {
        next = syncIterator ? syncIterator.next() : await asyncIterator!.next();
      } catch (err) {
        if (!failed) {
          failed = true;
          firstError = err;
        }
        return;
      }
      if (next.done) {
        exhausted = true;
        return;
      }
      try {
        await fn(next.value);
      } catch (err) {
        if (!failed) {
          failed = true;
          firstError = err;
        }
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (failed) throw firstError;
}
