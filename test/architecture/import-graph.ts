/**
 * The import graph of src/: every static import, export-from, dynamic
 * import() and import("…") type, read with the TypeScript parser so that
 * multi-line clauses, `import type` and comments cannot hide or fake an edge.
 * Relative specifiers are resolved to paths from the repository root.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, posix } from 'node:path';
import ts from 'typescript';

export type ImportKind = 'project' | 'builtin' | 'package' | 'unresolvable';

export interface ImportEdge {
  /** The importing file, from the repository root: `src/cli/options.ts`. */
  readonly from: string;
  readonly specifier: string;
  /** A project file (`src/probes/dicom/index.ts`), a builtin as `node:net`, or the package specifier. */
  readonly target: string;
  readonly kind: ImportKind;
  /** Erased at run time: `import type`, `export type`, or every named binding marked `type`. */
  readonly typeOnly: boolean;
  /** The named bindings taken; absent when the whole module is (default, namespace, side effect, `export *`, import()). */
  readonly names?: readonly string[];
}

/** One import as written, before resolution. */
export interface ImportSite {
  readonly specifier: string | undefined;
  readonly typeOnly: boolean;
  readonly names?: readonly string[];
}

function scriptKind(fileName: string): ts.ScriptKind {
  return fileName.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
}

function literal(node: ts.Node | undefined): string | undefined {
  return node !== undefined && ts.isStringLiteralLike(node) ? node.text : undefined;
}

/** Named bindings, or undefined when a default or namespace binding takes the whole module. */
function importNames(clause: ts.ImportClause): { names?: string[]; allTypes: boolean } {
  const bindings = clause.namedBindings;
  if (clause.name !== undefined || bindings === undefined || ts.isNamespaceImport(bindings)) return { allTypes: false };
  const names = bindings.elements.map((e) => (e.propertyName ?? e.name).text);
  return { names, allTypes: bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly) };
}

function importSite(node: ts.ImportDeclaration): ImportSite {
  const specifier = literal(node.moduleSpecifier);
  const clause = node.importClause;
  if (clause === undefined) return { specifier, typeOnly: false }; // import './x.ts': run for its effects
  const { names, allTypes } = importNames(clause);
  return { specifier, typeOnly: clause.isTypeOnly || allTypes, ...(names ? { names } : {}) };
}

function exportSite(node: ts.ExportDeclaration): ImportSite {
  const specifier = literal(node.moduleSpecifier);
  const clause = node.exportClause;
  if (clause === undefined || ts.isNamespaceExport(clause)) return { specifier, typeOnly: node.isTypeOnly };
  const names = clause.elements.map((e) => (e.propertyName ?? e.name).text);
  const allTypes = clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
  return { specifier, typeOnly: node.isTypeOnly || allTypes, names };
}

/** Every import site of one file's text. A dynamic import() of a computed string has `specifier` undefined. */
export function importSites(fileName: string, text: string): ImportSite[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, false, scriptKind(fileName));
  const sites: ImportSite[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) sites.push(importSite(node));
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) sites.push(exportSite(node));
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      sites.push({ specifier: literal(node.arguments[0]), typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      sites.push({ specifier: literal(node.argument.literal), typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sites;
}

/** Where a specifier written in `from` leads. */
export function resolveSite(from: string, site: ImportSite): ImportEdge {
  const base = { from, typeOnly: site.typeOnly, ...(site.names ? { names: site.names } : {}) };
  const specifier = site.specifier;
  if (specifier === undefined) return { ...base, specifier: '(computed)', target: '(computed)', kind: 'unresolvable' };
  if (specifier.startsWith('.')) {
    return { ...base, specifier, target: posix.normalize(posix.join(posix.dirname(from), specifier)), kind: 'project' };
  }
  if (isBuiltin(specifier)) {
    return { ...base, specifier, target: specifier.startsWith('node:') ? specifier : `node:${specifier}`, kind: 'builtin' };
  }
  return { ...base, specifier, target: specifier, kind: 'package' };
}

export function edgesOf(from: string, text: string): ImportEdge[] {
  return importSites(from, text).map((site) => resolveSite(from, site));
}

function sourceFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(root, path);
    return /\.(ts|js)$/.test(entry.name) ? [path] : [];
  });
}

/** Every edge of every .ts and .js file under `dir` (default src), paths from `root`. */
export function readImportGraph(root: string, dir = 'src'): ImportEdge[] {
  return sourceFiles(root, dir).flatMap((file) => edgesOf(file, readFileSync(join(root, file), 'utf8')));
}
