/**
 * Checks an import graph against a layer table. Pure: the table and the graph
 * come in, one sentence per forbidden edge comes out, naming the file, what it
 * imports and the rule it breaks, so a failure says what to fix.
 */
import type { ImportEdge } from './import-graph.ts';

/** What a layer may import: a layer by name, or only the types of one (erased at run time). */
export type Known = string | { readonly typesOf: string };

export interface BuiltinRule {
  /** As `node:net`. */
  readonly modules: readonly string[];
  readonly onlyIn: readonly string[];
  /** Named imports that are pure functions (no socket, no process): allowed anywhere. */
  readonly pureNames?: readonly string[];
  readonly why: string;
}

/** A layer made of folders, each reached from outside itself only through its entry file. */
export interface FolderLayer {
  readonly layer: string;
  readonly entry: string;
  /** Files directly in the layer's folder that its importers may take (the contract, the registry). */
  readonly publicFiles: readonly string[];
  /** Folders shared by the others (not registered as one of them): their siblings may take any file. */
  readonly helpers: readonly string[];
}

export interface Architecture {
  /** A folder of src/ (or a module at its root, by name without .ts) → what it may import. */
  readonly knows: Readonly<Record<string, readonly Known[] | 'everything'>>;
  /** Layers every other layer may import. */
  readonly underEveryLayer: readonly string[];
  readonly builtins: readonly BuiltinRule[];
  readonly folders: FolderLayer;
}

/** `src/probes/dicom/index.ts` → `probes`; `src/log.ts` → `log`; undefined outside src/. */
export function layerOf(path: string): string | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'src' || parts.length < 2) return undefined;
  return parts.length === 2 ? (parts[1] ?? '').replace(/\.(ts|js)$/, '') : parts[1];
}

/** The folder inside a folder layer: `src/probes/dicom/index.ts` → `dicom`; a file at the layer's root → undefined. */
function subfolderOf(path: string, layer: string): string | undefined {
  const parts = path.split('/');
  return parts[1] === layer && parts.length > 3 ? parts[2] : undefined;
}

function describeKnows(knows: readonly Known[]): string {
  if (knows.length === 0) return 'it knows no other layer';
  return `it knows ${knows.map((k) => (typeof k === 'string' ? `${k}/` : `the types of ${k.typesOf}/`)).join(', ')}`;
}

function builtinViolation(edge: ImportEdge, layer: string, rules: readonly BuiltinRule[]): string | undefined {
  const rule = rules.find((r) => r.modules.includes(edge.target));
  if (rule === undefined || rule.onlyIn.includes(layer) || edge.typeOnly) return undefined;
  const names = edge.names ?? [];
  if (names.length > 0 && names.every((n) => rule.pureNames?.includes(n) === true)) return undefined;
  const where = rule.onlyIn.map((l) => `${l}/`).join(' and ');
  return `${edge.from} imports ${edge.target}: only ${where} may import it (${rule.why})`;
}

function layerViolation(edge: ImportEdge, from: string, to: string, arch: Architecture): string | undefined {
  const knows = arch.knows[from];
  if (from === to || knows === 'everything' || arch.underEveryLayer.includes(to)) return undefined;
  if (knows === undefined) return undefined; // reported once per file as a missing row
  if (knows.includes(to)) return undefined;
  const typesOnly = knows.some((k) => typeof k !== 'string' && k.typesOf === to);
  if (typesOnly && edge.typeOnly) return undefined;
  if (typesOnly) return `${edge.from} imports ${edge.target}: ${from}/ may import only types from ${to}/`;
  return `${edge.from} imports ${edge.target}: ${from}/ may not import ${to}/ (${describeKnows(knows)})`;
}

function folderViolation(edge: ImportEdge, from: string, folders: FolderLayer): string | undefined {
  const { layer, entry, publicFiles, helpers } = folders;
  const source = from === layer ? subfolderOf(edge.from, layer) : undefined;
  const target = subfolderOf(edge.target, layer);
  const file = edge.target.split('/').slice(target === undefined ? 2 : 3).join('/');
  if (target === undefined) {
    if (from === layer || publicFiles.includes(file)) return undefined;
    return `${edge.from} imports ${edge.target}: of ${layer}/ itself only ${publicFiles.join(' and ')} may be imported`;
  }
  if (source === target) return undefined;
  const helper = helpers.includes(target);
  if (source !== undefined && helpers.includes(source) && !helper) {
    return `${edge.from} imports ${edge.target}: ${layer}/${source}/ is a helper of the ${layer} and may not import ${layer}/${target}/`;
  }
  if (helper && source !== undefined) return undefined; // a sibling folder may take any helper file
  if (file === entry) return undefined;
  return `${edge.from} imports ${edge.target}: ${layer}/${target}/ is reached only through its ${entry}`;
}

function edgeViolations(edge: ImportEdge, arch: Architecture): (string | undefined)[] {
  const from = layerOf(edge.from);
  if (from === undefined) return [];
  if (arch.knows[from] === undefined) return [`${edge.from}: ${from}/ has no row in the layer table`];
  switch (edge.kind) {
    case 'unresolvable':
      return [`${edge.from} imports a computed specifier: name the module so its layer can be checked`];
    case 'package':
      return [];
    case 'builtin':
      return [builtinViolation(edge, from, arch.builtins)];
    case 'project': {
      const to = layerOf(edge.target);
      if (to === undefined) return [`${edge.from} imports ${edge.target}, outside src/`];
      const folder = to === arch.folders.layer ? folderViolation(edge, from, arch.folders) : undefined;
      return [layerViolation(edge, from, to, arch), folder];
    }
  }
}

/** One sentence per forbidden edge, sorted, each once. */
export function checkLayering(edges: readonly ImportEdge[], arch: Architecture): string[] {
  const found = edges.flatMap((e) => edgeViolations(e, arch)).filter((v): v is string => v !== undefined);
  return [...new Set(found)].sort();
}

/**
 * Folders of the folder layer that are neither registered (imported by its
 * root entry, e.g. probes/index.ts) nor listed as helpers; and listed helpers
 * that hold no file. Either means the table or the registry is out of date.
 */
export function unregisteredFolders(edges: readonly ImportEdge[], folders: FolderLayer): string[] {
  const { layer, entry, helpers } = folders;
  const present = new Set(edges.map((e) => subfolderOf(e.from, layer)).filter((f): f is string => f !== undefined));
  const registry = `src/${layer}/${entry}`;
  const registered = new Set(edges.filter((e) => e.from === registry).map((e) => subfolderOf(e.target, layer)));
  const problems = [...present]
    .filter((f) => !registered.has(f) && !helpers.includes(f))
    .map((f) => `${layer}/${f}/ is neither registered in ${registry} nor listed as a helper folder`);
  for (const h of helpers) if (!present.has(h)) problems.push(`${layer}/${h}/ is listed as a helper folder but holds no file`);
  return problems.sort();
}
