/**
 * The fuzzer's randomness and its byte mutations, in the manner of AFL's
 * "havoc" stage: a few mutations stacked on one corpus entry. Binary formats
 * here are mostly length-prefixed, so length fields get their own mutation
 * (small steps, boundary values, the input's own length) in both byte orders.
 */

/** xoshiro128** (Blackman and Vigna): small, fast, and the same sequence on every machine. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    // splitmix32 spreads one seed over the four words (never all zero).
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1;
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** An integer in 0..n-1 (n ≥ 1). */
  below(n: number): number {
    return n <= 1 ? 0 : Math.floor((this.next() / 0x100000000) * n);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Values at the edges of 8-, 16- and 32-bit fields, where length checks break. */
const INTERESTING = [0, 1, 2, 3, 4, 6, 7, 8, 12, 16, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0xff, 0x100, 0x3fff, 0x7fff, 0x8000, 0xfffe, 0xffff, 0x10000, 0xffffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

type Mutation = (b: Buffer, corpus: readonly Buffer[]) => Buffer;

export class Mutator {
  private readonly mutations: readonly Mutation[];

  constructor(
    private readonly rng: Rng,
    private readonly maxBytes: number,
    private readonly dictionary: readonly Buffer[],
  ) {
    this.mutations = [
      (b) => this.flipBit(b),
      (b) => this.setByte(b),
      (b) => this.addToByte(b),
      (b) => this.insertBytes(b),
      (b) => this.deleteBytes(b),
      (b) => this.tweakLength(b),
      (b) => this.tweakLength(b),
      (b, c) => this.splice(b, c),
      (b, c) => this.insertFrom(b, c),
      (b) => this.repeatBlock(b),
      (b) => this.truncate(b),
      ...(dictionary.length > 0 ? [(b: Buffer) => this.insertToken(b), (b: Buffer) => this.overwriteToken(b)] : []),
    ];
  }

  /** One to eight stacked mutations of `base` (which is not modified). */
  havoc(base: Buffer, corpus: readonly Buffer[]): Buffer {
    let b: Buffer = Buffer.from(base);
    const stack = 1 << this.rng.below(4);
    for (let i = 0; i < stack; i++) b = this.mutations[this.rng.below(this.mutations.length)]!(b, corpus);
    return b.length > this.maxBytes ? b.subarray(0, this.maxBytes) : b;
  }

  private position(b: Buffer): number {
    return this.rng.below(b.length + 1);
  }

  private randomBytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = this.rng.next() & 0xff;
    return out;
  }

  private flipBit(b: Buffer): Buffer {
    if (b.length === 0) return this.randomBytes(1);
    const at = this.rng.below(b.length);
    b[at] = b[at]! ^ (1 << this.rng.below(8));
    return b;
  }

  private setByte(b: Buffer): Buffer {
    if (b.length === 0) return this.randomBytes(1);
    const at = this.rng.below(b.length);
    b[at] = this.rng.below(2) === 0 ? INTERESTING[this.rng.below(16)]! & 0xff : this.rng.next() & 0xff;
    return b;
  }

  private addToByte(b: Buffer): Buffer {
    if (b.length === 0) return this.randomBytes(1);
    const at = this.rng.below(b.length);
    b[at] = (b[at]! + 1 + this.rng.below(35) * (this.rng.below(2) === 0 ? 1 : -1) + 256) & 0xff;
    return b;
  }

  private insertBytes(b: Buffer): Buffer {
    const n = 1 + this.rng.below(16);
    const fill = this.rng.below(2) === 0 ? Buffer.alloc(n, this.rng.next() & 0xff) : this.randomBytes(n);
    const at = this.position(b);
    return Buffer.concat([b.subarray(0, at), fill, b.subarray(at)]);
  }

  private deleteBytes(b: Buffer): Buffer {
    if (b.length === 0) return b;
    const at = this.rng.below(b.length);
    const n = 1 + this.rng.below(this.rng.below(4) === 0 ? Math.max(1, b.length >> 2) : 16);
    return Buffer.concat([b.subarray(0, at), b.subarray(at + n)]);
  }

  /** Rewrites a 1-, 2- or 4-byte field, either byte order, by a small step or to a boundary value. */
  private tweakLength(b: Buffer): Buffer {
    const width = [1, 2, 4][this.rng.below(3)]!;
    if (b.length < width) return this.insertBytes(b);
    const at = this.rng.below(b.length - width + 1);
    const big = this.rng.below(2) === 0;
    const read = (): number => (width === 1 ? b[at]! : width === 2 ? (big ? b.readUInt16BE(at) : b.readUInt16LE(at)) : big ? b.readUInt32BE(at) : b.readUInt32LE(at));
    const current = read();
    const choices = [
      current + 1 + this.rng.below(16),
      current - 1 - this.rng.below(16),
      INTERESTING[this.rng.below(INTERESTING.length)]!,
      b.length,
      b.length - at,
      b.length - at - width,
      current * 2,
    ];
    const max = width === 1 ? 0xff : width === 2 ? 0xffff : 0xffffffff;
    const value = ((choices[this.rng.below(choices.length)]! % (max + 1)) + max + 1) % (max + 1);
    if (width === 1) b[at] = value;
    else if (width === 2) big ? b.writeUInt16BE(value, at) : b.writeUInt16LE(value, at);
    else big ? b.writeUInt32BE(value, at) : b.writeUInt32LE(value, at);
    return b;
  }

  /** The head of this input and the tail of another. */
  private splice(b: Buffer, corpus: readonly Buffer[]): Buffer {
    const other = corpus[this.rng.below(corpus.length)] ?? b;
    return Buffer.concat([b.subarray(0, this.position(b)), other.subarray(this.position(other))]);
  }

  /** A piece of another corpus entry, inserted. */
  private insertFrom(b: Buffer, corpus: readonly Buffer[]): Buffer {
    const other = corpus[this.rng.below(corpus.length)] ?? b;
    const from = this.rng.below(other.length + 1);
    const piece = other.subarray(from, from + 1 + this.rng.below(64));
    const at = this.position(b);
    return Buffer.concat([b.subarray(0, at), piece, b.subarray(at)]);
  }

  /** A block of the input repeated in place, up to the size cap: nesting, long lists. */
  private repeatBlock(b: Buffer): Buffer {
    if (b.length === 0) return b;
    const at = this.rng.below(b.length);
    const block = b.subarray(at, at + 1 + this.rng.below(32));
    const times = 1 + this.rng.below(this.rng.below(8) === 0 ? 1024 : 8);
    const copies = Math.min(times, Math.floor((this.maxBytes - b.length) / block.length));
    if (copies <= 0) return b;
    return Buffer.concat([b.subarray(0, at), ...Array<Buffer>(copies).fill(block), b.subarray(at)]);
  }

  private truncate(b: Buffer): Buffer {
    return b.subarray(0, this.rng.below(b.length + 1));
  }

  private insertToken(b: Buffer): Buffer {
    const token = this.dictionary[this.rng.below(this.dictionary.length)]!;
    const at = this.position(b);
    return Buffer.concat([b.subarray(0, at), token, b.subarray(at)]);
  }

  private overwriteToken(b: Buffer): Buffer {
    const token = this.dictionary[this.rng.below(this.dictionary.length)]!;
    if (b.length < token.length) return Buffer.concat([b, token]);
    token.copy(b, this.rng.below(b.length - token.length + 1));
    return b;
  }
}
