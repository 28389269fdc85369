/**
 * The layering of src/, checked on every import. The table below is the
 * "knows about" column of the architecture's layout; where the code needs an
 * edge the column does not name, the row says why.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { edgesOf, readImportGraph, type ImportEdge } from './import-graph.ts';
import { checkLayering, unregisteredFolders, type Architecture } from './layering.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const EXPOSURE: Architecture = {
  knows: {
    cli: 'everything', // argument parsing and wiring
    observation: [], // the result schema: a leaf (zod only)
    scan: ['scope', 'discovery', 'probes', 'assess', 'store', 'log',
      'net', // net: the scan builds the dialer from the run's parameters and hands it to discovery and each ProbeContext
      'privacy'], // privacy: the scan makes the per-process pseudonym key its probes share
    scope: [],
    net: ['scope', 'log'],
    discovery: ['scope', 'net', 'log'],
    protocols: [], // pure codecs, shared by probes (client role) and lab (server role)
    probes: ['net', 'protocols', 'privacy', 'log'],
    privacy: [],
    assess: [{ typesOf: 'probes' }],
    audit: ['assess', // the scan's rule ids, titles and remediation texts: one source for both
      'probes'], // probes: the vendor-default AE titles and logins the scan tries (vendor-defaults.ts, no probe code)
    store: [{ typesOf: 'assess' }, 'log'],
    geo: [],
    report: ['store', 'log',
      'geo'], // geo: the data credits its licence asks every report to print
    web: ['store', 'report', 'log'],
    watch: ['store', 'report', 'scan', 'log'],
    cluster: ['scope', 'scan', 'store', 'log'],
    lab: ['protocols', 'log',
      'scope'], // scope: the fleet lays its servers out with the same IPv4 arithmetic
    version: [], // reads package.json, imports nothing of the project
    log: ['privacy'], // the one logger; it redacts by privacy's list of identifying attributes
  },
  // "The result schema sits below every stage and imports nothing of the project."
  // version.ts: one constant from package.json (user agent, implementation version name, --version).
  underEveryLayer: ['observation', 'version'],
  builtins: [
    {
      modules: ['node:net', 'node:tls', 'node:http2', 'node:dgram'],
      onlyIn: ['net', 'lab'],
      // Address syntax checks: pure functions, no socket.
      pureNames: ['isIP', 'isIPv4', 'isIPv6'],
      why: 'the dialer is the only place that opens sockets; the lab runs the servers',
    },
    {
      // web: a listening server only; it never opens a connection to anything.
      modules: ['node:http', 'node:https'],
      onlyIn: ['net', 'lab', 'web'],
      why: 'the dialer is the only place that opens sockets; the lab runs the servers; the dashboard serves HTTP',
    },
    { modules: ['node:child_process'], onlyIn: ['lab'], why: 'only the lab starts processes' },
  ],
  folders: { layer: 'probes', entry: 'index.ts', publicFiles: ['index.ts', 'probe.ts', 'catalogue.ts', 'vendor-defaults.ts'], helpers: ['nas', 'web'] },
};

function edge(from: string, target: string, more: Partial<ImportEdge> = {}): ImportEdge {
  const kind = target.startsWith('node:') ? 'builtin' : target.startsWith('src/') ? 'project' : 'package';
  return { from, specifier: target, target, kind, typeOnly: false, ...more };
}

describe('the layering of src/', () => {
  const graph = readImportGraph(ROOT);

  it('reads the imports of every file', () => {
    assert.ok(graph.length > 300, `only ${graph.length} imports read`);
    assert.ok(graph.some((e) => e.from === 'src/probes/index.ts' && e.target === 'src/probes/dicom/index.ts'));
  });

  it('has no forbidden edge', () => {
    assert.deepEqual(checkLayering(graph, EXPOSURE), []);
  });

  it('registers every probe folder or lists it as a helper', () => {
    assert.deepEqual(unregisteredFolders(graph, EXPOSURE.folders), []);
  });
});

describe('the checker, on small graphs with a forbidden edge', () => {
  const check = (...edges: ImportEdge[]): string[] => checkLayering(edges, EXPOSURE);

  it('names the file, the import and the rule when a layer reaches one it does not know', () => {
    assert.deepEqual(check(edge('src/report/html.ts', 'src/probes/dicom/index.ts')), [
      'src/report/html.ts imports src/probes/dicom/index.ts: report/ may not import probes/ (it knows store/, log/, geo/)',
    ]);
    assert.deepEqual(check(edge('src/protocols/smb/smb2.ts', 'src/net/dialer.ts')), [
      'src/protocols/smb/smb2.ts imports src/net/dialer.ts: protocols/ may not import net/ (it knows no other layer)',
    ]);
    assert.deepEqual(check(edge('src/scope/spec.ts', 'src/store/store.ts')).length, 1);
  });

  it('lets every layer but nothing else into observation/', () => {
    assert.deepEqual(check(edge('src/protocols/dicom/ul/pdu.ts', 'src/observation/observation.ts')), []);
    assert.deepEqual(check(edge('src/observation/finding.ts', 'src/scope/ipv4.ts')), [
      'src/observation/finding.ts imports src/scope/ipv4.ts: observation/ may not import scope/ (it knows no other layer)',
    ]);
  });

  it('allows the types of a layer but not its values where the table says types', () => {
    assert.deepEqual(check(edge('src/assess/assess.ts', 'src/probes/probe.ts', { typeOnly: true })), []);
    assert.deepEqual(check(edge('src/assess/assess.ts', 'src/probes/probe.ts')), [
      'src/assess/assess.ts imports src/probes/probe.ts: assess/ may import only types from probes/',
    ]);
  });

  it('reaches a probe folder only through its index.ts', () => {
    assert.deepEqual(check(edge('src/cli/options.ts', 'src/probes/dicom/ae-titles.ts')), [
      'src/cli/options.ts imports src/probes/dicom/ae-titles.ts: probes/dicom/ is reached only through its index.ts',
    ]);
    assert.deepEqual(check(edge('src/probes/dicom-tls/index.ts', 'src/probes/dicom/association.ts')).length, 1);
    assert.deepEqual(check(edge('src/probes/dicom-tls/index.ts', 'src/probes/dicom/index.ts')), []);
    assert.deepEqual(check(edge('src/cli/web-ports.ts', 'src/probes/probe.ts')), []);
  });

  it('lets sibling probes take helper files, but not the layers outside probes/', () => {
    assert.deepEqual(check(edge('src/probes/smb/index.ts', 'src/probes/nas/tree-walk.ts')), []);
    assert.deepEqual(check(edge('src/cli/file-walk.ts', 'src/probes/nas/limits.ts')), [
      'src/cli/file-walk.ts imports src/probes/nas/limits.ts: probes/nas/ is reached only through its index.ts',
    ]);
    assert.deepEqual(check(edge('src/probes/nas/merge.ts', 'src/probes/ftp/index.ts')), [
      'src/probes/nas/merge.ts imports src/probes/ftp/index.ts: probes/nas/ is a helper of the probes and may not import probes/ftp/',
    ]);
  });

  it('keeps socket builtins in net/ and lab/, except the pure address checks', () => {
    assert.deepEqual(check(edge('src/probes/ftp/passive.ts', 'node:net')), [
      'src/probes/ftp/passive.ts imports node:net: only net/ and lab/ may import it (the dialer is the only place that opens sockets; the lab runs the servers)',
    ]);
    assert.deepEqual(check(edge('src/geo/address.ts', 'node:net', { names: ['isIPv4', 'isIPv6'] })), []);
    assert.deepEqual(check(edge('src/geo/address.ts', 'node:net', { names: ['isIPv4', 'createConnection'] })).length, 1);
    assert.deepEqual(check(edge('src/probes/smb/client.ts', 'node:net', { names: ['Socket'], typeOnly: true })), []);
    assert.deepEqual(check(edge('src/net/dialer.ts', 'node:tls'), edge('src/lab/orthanc.ts', 'node:http')), []);
    assert.deepEqual(check(edge('src/cli/lab.ts', 'node:child_process')).length, 1);
  });

  it('lets the dashboard serve HTTP, but not open connections of its own', () => {
    assert.deepEqual(check(edge('src/web/server.ts', 'node:http'), edge('src/web/server.ts', 'node:https')), []);
    assert.deepEqual(check(edge('src/web/server.ts', 'node:net', { names: ['isIPv4'] })), []);
    assert.deepEqual(check(edge('src/web/server.ts', 'node:net', { names: ['connect'] })).length, 1);
    assert.deepEqual(check(edge('src/web/server.ts', 'node:tls')).length, 1);
    assert.deepEqual(check(edge('src/report/html.ts', 'node:http')), [
      'src/report/html.ts imports node:http: only net/ and lab/ and web/ may import it (the dialer is the only place that opens sockets; the lab runs the servers; the dashboard serves HTTP)',
    ]);
  });

  it('refuses a folder with no row, a file outside src/ and a computed import()', () => {
    assert.deepEqual(check(edge('src/extras/x.ts', 'zod')), ['src/extras/x.ts: extras/ has no row in the layer table']);
    assert.deepEqual(check(edge('src/cli/main.ts', 'test/fixtures/observations.ts', { kind: 'project' })), [
      'src/cli/main.ts imports test/fixtures/observations.ts, outside src/',
    ]);
    assert.equal(check(edge('src/cli/main.ts', '(computed)', { kind: 'unresolvable' })).length, 1);
  });

  it('finds a probe folder that is neither registered nor a helper', () => {
    const graph = [edge('src/probes/index.ts', 'src/probes/dicom/index.ts'), edge('src/probes/dicom/index.ts', 'src/probes/probe.ts'),
      edge('src/probes/rogue/index.ts', 'src/probes/probe.ts'), edge('src/probes/nas/limits.ts', 'src/probes/probe.ts')];
    assert.deepEqual(unregisteredFolders(graph, EXPOSURE.folders), [
      'probes/rogue/ is neither registered in src/probes/index.ts nor listed as a helper folder',
      'probes/web/ is listed as a helper folder but holds no file',
    ]);
  });
});

describe('the import reader', () => {
  it('sees every form of import, resolved from the importing file', () => {
    const text = [
      "import { a,",
      "  b } from '../net/dialer.ts';",
      "import type { Endpoint } from '../observation/observation.ts';",
      "import { type Probe } from './probe.ts';",
      "import * as ul from '../protocols/dicom/ul/index.ts';",
      "import { isIPv4 } from 'node:net';",
      "import tls from 'tls';",
      "import { z } from 'zod';",
      "export { c } from './dicom/index.ts';",
      "export * from './nas/limits.ts';",
      "// import { x } from '../store/store.ts';",
      "const html = await import('../report/html.ts');",
      "const any = await import(name);",
      "type D = import('../scan/pool.ts').Pool;",
    ].join('\n');
    const edges = edgesOf('src/probes/x.ts', text);
    assert.deepEqual(edges.map((e) => [e.target, e.kind, e.typeOnly, e.names?.join(',')]), [
      ['src/net/dialer.ts', 'project', false, 'a,b'],
      ['src/observation/observation.ts', 'project', true, 'Endpoint'],
      ['src/probes/probe.ts', 'project', true, 'Probe'],
      ['src/protocols/dicom/ul/index.ts', 'project', false, undefined],
      ['node:net', 'builtin', false, 'isIPv4'],
      ['node:tls', 'builtin', false, undefined],
      ['zod', 'package', false, 'z'],
      ['src/probes/dicom/index.ts', 'project', false, 'c'],
      ['src/probes/nas/limits.ts', 'project', false, undefined],
      ['src/report/html.ts', 'project', false, undefined],
      ['(computed)', 'unresolvable', false, undefined],
      ['src/scan/pool.ts', 'project', true, undefined],
    ]);
  });
});
