import assert from 'node:assert/strict';
import { test } from 'node:test';
import { probesAndPorts } from '../../src/scan/probe-ports.ts';
import { PROBES } from '../../src/probes/index.ts';
import { parsePorts } from '../../src/scope/ports.ts';

test('default ports are every probe\'s, the web ones included', () => {
  const { ports } = probesAndPorts(PROBES, undefined, undefined);
  for (const p of [104, 2762, 4242, 11112, 80, 443, 8042, 8080]) assert.ok(ports.includes(p), String(p));
});

test('web ports replace the web probes\' ports and, without a port list, the scanned web ports', () => {
  const { probes, ports } = probesAndPorts(PROBES, undefined, parsePorts('9042'));
  assert.deepEqual(probes.find((p) => p.id === 'portal')?.defaultPorts, [9042]);
  assert.deepEqual(probes.find((p) => p.id === 'dicom')?.defaultPorts, [104, 4242, 11112]);
  assert.ok(ports.includes(9042) && !ports.includes(8042));
  assert.deepEqual(probesAndPorts(PROBES, parsePorts('104,9042'), parsePorts('9042')).ports, [104, 9042]);
});

test('--probes keeps the probes named, in the registry order, and without a port list scans only their ports', () => {
  const { probes, ports } = probesAndPorts(PROBES, undefined, undefined, ['dicom-tls', 'dicom']);
  assert.deepEqual(probes.map((p) => p.id), ['dicom', 'dicom-tls']);
  assert.deepEqual(ports, [104, 2762, 4242, 11112]);
  assert.deepEqual(probesAndPorts(PROBES, parsePorts('11104'), undefined, ['ftp']).ports, [11104], 'a port list stands as given');
});
