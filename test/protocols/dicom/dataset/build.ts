/**
 * A test-side dataset builder, written independently of encode.ts, to make
 * fixtures with nested sequences the walker must skip. Also a hex helper.
 */
import fc from 'fast-check';

export const IMPLICIT = '1.2.840.10008.1.2';
export const EXPLICIT = '1.2.840.10008.1.2.1';

/** "08 00 52 00 // comment" → bytes; text after // on each line is ignored. */
export function hex(text: string): Buffer {
  const digits = text
    .split('\n')
    .map((line) => line.replace(/\/\/.*$/, ''))
    .join('')
    .replace(/\s+/g, '');
  return Buffer.from(digits, 'hex');
}

export type Node =
  | { readonly kind: 'leaf'; readonly tag: number; readonly vr: 'LO' | 'OB'; readonly value: Uint8Array }
  | {
      readonly kind: 'seq';
      readonly tag: number;
      readonly items: readonly (readonly Node[])[];
      readonly undefinedLength: boolean;
      readonly undefinedItems: boolean;
    };

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

function tagBytes(tag: number): Buffer {
  return Buffer.concat([u16(tag >>> 16), u16(tag & 0xffff)]);
}

function header(tag: number, vr: string, length: number, explicit: boolean): Buffer {
  if (!explicit) return Buffer.concat([tagBytes(tag), u32(length)]);
  if (vr === 'OB' || vr === 'SQ') return Buffer.concat([tagBytes(tag), Buffer.from(vr, 'latin1'), u16(0), u32(length)]);
  return Buffer.concat([tagBytes(tag), Buffer.from(vr, 'latin1'), u16(length)]);
}

const ITEM = 0xfffee000;
const ITEM_DELIM = 0xfffee00d;
const SEQ_DELIM = 0xfffee0dd;

export function build(nodes: readonly Node[], explicit: boolean): Buffer {
  const parts: Buffer[] = [];
  for (const n of nodes) {
    if (n.kind === 'leaf') {
      parts.push(header(n.tag, n.vr, n.value.length, explicit), Buffer.from(n.value));
      continue;
    }
    const items = n.items.map((item) => {
      const body = build(item, explicit);
      return n.undefinedItems
        ? Buffer.concat([tagBytes(ITEM), u32(0xffffffff), body, tagBytes(ITEM_DELIM), u32(0)])
        : Buffer.concat([tagBytes(ITEM), u32(body.length), body]);
    });
    const content = Buffer.concat(items);
    if (n.undefinedLength) {
      parts.push(header(n.tag, 'SQ', 0xffffffff, explicit), content, tagBytes(SEQ_DELIM), u32(0));
    } else {
      parts.push(header(n.tag, 'SQ', content.length, explicit), content);
    }
  }
  return Buffer.concat(parts);
}

/** Data element tags outside groups 0000-0007 and FFFE. */
export const tagArb = fc
  .tuple(fc.integer({ min: 0x0008, max: 0x7fe0 }), fc.integer({ min: 0, max: 0xffff }))
  .map(([g, e]) => (g * 0x10000 + e) >>> 0);

const leafArb: fc.Arbitrary<Node> = fc.record({
  kind: fc.constant('leaf' as const),
  tag: tagArb,
  vr: fc.constantFrom('LO' as const, 'OB' as const),
  value: fc.uint8Array({ maxLength: 10 }),
});

export function nodeArb(depth: number): fc.Arbitrary<Node> {
  if (depth === 0) return leafArb;
  const seq: fc.Arbitrary<Node> = fc.record({
    kind: fc.constant('seq' as const),
    tag: tagArb,
    items: fc.array(fc.array(nodeArb(depth - 1), { maxLength: 3 }), { maxLength: 3 }),
    undefinedLength: fc.boolean(),
    undefinedItems: fc.boolean(),
  });
  return fc.oneof(leafArb, seq);
}

/** Offsets at which a top-level element starts or the dataset ends. */
export function boundaries(nodes: readonly Node[], explicit: boolean): number[] {
  const out = [0];
  let at = 0;
  for (const n of nodes) {
    at += build([n], explicit).length;
    out.push(at);
  }
  return out;
}
