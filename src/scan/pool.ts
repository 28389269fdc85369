/**
 * Runs an async function over a stream with at most `limit` calls in flight,
 * pulling from the source only as slots free up: a stream of millions of
 * targets is never held in memory.
 */
export async function forEachConcurrent<T>(
  source: Iterable<T> | AsyncIterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : toAsync(source[Symbol.iterator]());
  const inFlight = new Set<Promise<void>>();
  let firstError: unknown;
  for (;;) {
    if (signal?.aborted || firstError !== undefined) break;
    const next = await iterator.next();
    if (next.done) break;
    const p: Promise<void> = fn(next.value).then(
      () => void inFlight.delete(p),
      (err: unknown) => {
        inFlight.delete(p);
        firstError ??= err;
      },
    );
    inFlight.add(p);
    if (inFlight.size >= limit) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (firstError !== undefined) throw firstError;
}

function toAsync<T>(it: Iterator<T>): AsyncIterator<T> {
  return { next: () => Promise.resolve(it.next()) };
}
