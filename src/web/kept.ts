/**
 * Reads a page and its chart images share. A page is drawn from a read of
 * the store, then each of its images asks for the same read a moment later:
 * a settled read (a finished run's) is kept for a minute, a few at a time,
 * and a read of something still changing (a running run's) is never kept.
 */
export class KeptReads<K, V> {
  private readonly kept = new Map<K, { value: V; at: number }>();
  constructor(
    private readonly now: () => number,
    private readonly ttlMs = 60_000,
    private readonly max = 16,
  ) {}

  /** The value kept under `key`, else `read()`'s, kept when `settled`. */
  async get(key: K, settled: boolean, read: () => Promise<V>): Promise<V> {
    if (!settled) return read();
    const kept = this.kept.get(key);
    if (kept && this.now() - kept.at < this.ttlMs) return kept.value;
    const value = await read();
    this.kept.delete(key);
    const oldest = this.kept.keys().next();
    if (this.kept.size >= this.max && !oldest.done) this.kept.delete(oldest.value);
    this.kept.set(key, { value, at: this.now() });
    return value;
  }
}
