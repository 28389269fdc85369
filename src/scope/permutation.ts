/**
 * The scan order: a pseudo-random permutation of the index space, as ZMap
 * does it — walk the cyclic multiplicative group of integers modulo a prime
 * p > size: x ← x·g mod p visits every element 1 … p-1 exactly once when g
 * is a primitive root; x-1 is a target index when it is below size.
 * Consecutive targets land far apart, so no network receives a burst.
 *
 * Generator and starting element come from the seed: the same seed gives the
 * same order. Shard i of n takes cycle positions i, i+n, i+2n, …: the shards
 * partition the cycle with no overlap and no gap. Memory is O(1) whatever the size;
 * resuming at a position is one modular exponentiation.
 */

export interface PermutationParams {
  readonly size: number;
  readonly prime: number;
  readonly generator: number;
  /** The cycle's element at position 0. */
  readonly start: number;
}

export interface Shard {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

export const WHOLE: Shard = { index: 0, count: 1 };

/** Largest size handled: the whole IPv4 space plus IPv6 and hostname targets, with p below 2^34. */
const MAX_SPACE = 2 ** 33;

/** a·b mod p for p < 2^34 without leaving double precision: b is split in 17-bit halves. */
export function mulmod(a: number, b: number, p: number): number {
  const hi = Math.floor(b / 131072);
  const lo = b % 131072;
  return (((((a * hi) % p) * 131072) % p) + ((a * lo) % p)) % p;
}

export function powmod(base: number, exp: number, p: number): number {
  let result = 1 % p;
  let b = base % p;
  let e = exp;
  while (e > 0) {
    if (e % 2 === 1) result = mulmod(result, b, p);
    b = mulmod(b, b, p);
    e = Math.floor(e / 2);
  }
  return result;
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

function primeFactors(n: number): number[] {
  const out: number[] = [];
  let m = n;
  for (let d = 2; d * d <= m; d += d === 2 ? 1 : 2) {
    if (m % d === 0) {
      out.push(d);
      while (m % d === 0) m /= d;
    }
  }
  if (m > 1) out.push(m);
  return out;
}

/** mulberry32: a small deterministic PRNG for picking generator and start from the seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function permutationFor(size: number, seed: number): PermutationParams {
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_SPACE) throw new RangeError(`cannot permute a space of ${size} targets`);
  let prime = size + 1;
  while (!isPrime(prime)) prime++;
  const rand = prng(seed);
  if (prime === 2) return { size, prime, generator: 1, start: 1 };
  const factors = primeFactors(prime - 1);
  const isGenerator = (g: number): boolean => factors.every((q) => powmod(g, (prime - 1) / q, prime) !== 1);
  // Candidates from the seed; about one in four numbers is a primitive root, so this ends quickly.
  let generator = 2 + Math.floor(rand() * (prime - 2));
  while (!isGenerator(generator)) generator = generator + 1 >= prime ? 2 : generator + 1;
  const start = 1 + Math.floor(rand() * (prime - 1));
  return { size, prime, generator, start };
}

/** Cycle positions a shard walks: positions i, i+n, … below p-1. */
export function shardLength(params: PermutationParams, shard: Shard): number {
  const cycle = params.prime - 1;
  return shard.index >= cycle ? 0 : Math.floor((cycle - 1 - shard.index) / shard.count) + 1;
}

export interface Slot {
  /** The shard's step number: the unit of the resume checkpoint. */
  readonly step: number;
  /** Target index in the space. */
  readonly index: number;
}

/**
 * Target indexes of one shard in permutation order, from step `from` on.
 * Steps whose element falls outside the space are skipped (they are not targets).
 */
export function* walk(params: PermutationParams, shard: Shard, from = 0): Generator<Slot> {
  const { prime, generator, start, size } = params;
  const steps = shardLength(params, shard);
  if (from >= steps) return;
  const stride = powmod(generator, shard.count, prime);
  let x = mulmod(start, powmod(generator, shard.index + from * shard.count, prime), prime);
  for (let step = from; step < steps; step++) {
    if (x - 1 < size) yield { step, index: x - 1 };
    x = mulmod(x, stride, prime);
  }
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const count = m ? Number(m[2]) : NaN;
  const index = m ? Number(m[1]) : NaN;
  if (!m || count < 1 || count > 65536 || index < 1 || index > count) {
    throw new RangeError(`--shard must be I/N with 1 ≤ I ≤ N ≤ 65536 (e.g. 2/8), not "${text}"`);
  }
  return { index: index - 1, count };
}
