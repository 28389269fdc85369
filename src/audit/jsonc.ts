/**
 * JSON with comments, as Orthanc reads its configuration: `//` and block
 * comments, trailing commas tolerated, duplicate keys resolved to the last.
 * jsonc-parser gives offsets (so lines and columns) but builds its tree by
 * recursion, so depth and size are first checked with its token scanner,
 * which walks the text in a loop.
 */
import { createScanner, parseTree, printParseErrorCode, SyntaxKind, type Node, type ParseError } from 'jsonc-parser';
import { refused, type Parsed } from './finding.ts';
import type { AuditLimits } from './limits.ts';
import { positionOf, type ConfigText } from './text.ts';

/** Depth and value count by the scanner alone: no tree, no recursion. */
function tooDeepOrLarge(t: ConfigText, limits: AuditLimits): string | undefined {
  const scanner = createScanner(t.text, true);
  let depth = 0;
  let values = 0;
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind === SyntaxKind.OpenBraceToken || kind === SyntaxKind.OpenBracketToken) {
      depth += 1;
      if (depth > limits.maxJsonDepth) {
        const { line, column } = positionOf(t, scanner.getTokenOffset());
        return `line ${line}, column ${column}: nests deeper than ${limits.maxJsonDepth} levels`;
      }
    } else if (kind === SyntaxKind.CloseBraceToken || kind === SyntaxKind.CloseBracketToken) {
      depth = Math.max(0, depth - 1);
    }
    if (kind !== SyntaxKind.CommaToken && kind !== SyntaxKind.ColonToken && (values += 1) > limits.maxEntries) {
      return `holds more than ${limits.maxEntries} JSON values`;
    }
  }
  return undefined;
}

/** The top-level object of one file; the first syntax error is the answer. */
export function parseJsonc(t: ConfigText, limits: AuditLimits): Parsed<Node> {
  const bounds = tooDeepOrLarge(t, limits);
  if (bounds) return refused(bounds);
  const errors: ParseError[] = [];
  const root = parseTree(t.text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const { line, column } = positionOf(t, first.offset);
    return refused(`line ${line}, column ${column}: invalid JSON (${printParseErrorCode(first.error)})`);
  }
  if (!root || root.type !== 'object') return refused('is not a JSON object: Orthanc expects { "Option" : value, … } at the top');
  return { ok: true, value: root, notes: [] };
}

export interface JsonProperty {
  readonly name: string;
  /** Where the key starts. */
  readonly offset: number;
  readonly value: Node;
}

/** An object's properties in order, the last of duplicate names winning (JsonCpp's rule). */
export function propertiesOf(object: Node): Map<string, JsonProperty> {
  const out = new Map<string, JsonProperty>();
  for (const p of object.children ?? []) {
    const [key, value] = p.children ?? [];
    if (p.type !== 'property' || key?.type !== 'string' || value === undefined) continue;
    const name = String(key.value);
    out.delete(name); // re-inserted last, as JsonCpp keeps the last one
    out.set(name, { name, offset: key.offset, value });
  }
  return out;
}
