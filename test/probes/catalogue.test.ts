import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SCAN_PORTS, PROBE_CATALOGUE } from '../../src/probes/catalogue.ts';
import { PROBES } from '../../src/probes/index.ts';

test('the catalogue lists every probe, in the registry order, with the ports and summary the probe runs with', () => {
  assert.deepEqual(
    PROBE_CATALOGUE.map((e) => [e.id, [...e.defaultPorts], e.summary]),
    PROBES.map((p) => [p.id, [...p.defaultPorts], p.summary]),
  );
});

test('default scan ports are every probe default, once, in order', () => {
  assert.deepEqual(DEFAULT_SCAN_PORTS, [21, 80, 104, 111, 443, 445, 873, 2762, 3333, 4242, 8042, 8080, 8081, 8443, 11112]);
});
