import { test } from 'node:test';
import assert from 'node:assert/strict';
import { honeypotSectionHtml, honeypotSectionMarkdown, honeypotWorthSaying } from '../../src/report/honeypots.ts';
import { markdownText } from '../../src/report/escape.ts';

const likely = { level: 'likely' as const, score: 100, signals: ['any-called-ae' as const, 'lure-dataset' as const] };
const unlikely = { level: 'unlikely' as const, score: 15, signals: ['any-called-ae' as const] };
const totals = { likelyHoneypots: { services: 1, counted: false } };

const services = [
  { ip: '2001:db8::5', port: 104, protocol: 'dicom' as const, honeypot: likely },
  { ip: '192.0.2.7', port: 11112, protocol: 'dicom' as const, honeypot: unlikely },
  { ip: '192.0.2.8', port: 104, protocol: 'dicom' as const },
];

test('a likely or possible honeypot is worth saying; an unlikely one or a service never assessed is not', () => {
  assert.equal(honeypotWorthSaying({ honeypot: likely }), true);
  assert.equal(honeypotWorthSaying({ honeypot: { ...likely, level: 'possible' } }), true);
  assert.equal(honeypotWorthSaying({ honeypot: unlikely }), false);
  assert.equal(honeypotWorthSaying({}), false);
});

test('the HTML honeypot section writes an IPv6 endpoint in brackets and lists only the likely service', () => {
  const section = honeypotSectionHtml(totals, services);
  assert.match(section, /<td>\[2001:db8::5\]:104<\/td><td>dicom<\/td><td>likely<\/td><td>100<\/td>/);
  assert.doesNotMatch(section, /192\.0\.2\.7/);
  assert.doesNotMatch(section, /192\.0\.2\.8/);
});

test('the Markdown honeypot section writes an IPv6 endpoint in brackets and lists only the likely service', () => {
  const lines = honeypotSectionMarkdown(totals, services, markdownText);
  const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| Service') && !l.startsWith('| ---'));
  assert.equal(rows.length, 1);
  assert.match(rows[0] ?? '', /^\| \\\[2001:db8::5\\\]:104 \| dicom \| likely \| 100 \| any-called-ae, lure-dataset \|$/);
});

test('no honeypot section when the run has no likely honeypot and none listed is worth a line', () => {
  assert.equal(honeypotSectionHtml({}, services.slice(1)), '');
  assert.deepEqual(honeypotSectionMarkdown({}, services.slice(1), markdownText), []);
});
