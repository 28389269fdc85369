import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dateFromVersion, openGeo, specialSpace } from '../../src/geo/index.ts';
import { ipv6ToBigint } from '../../src/geo/address.ts';
import { parseAsnLine, RangeTable } from '../../src/geo/asn-table.ts';

test('special-purpose addresses are labelled, IPv4 and IPv6', () => {
  const cases: Array<[string, string | undefined]> = [
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', undefined],
    ['192.168.0.1', 'private'],
    ['127.0.70.5', 'loopback'],
    ['169.254.1.1', 'link-local'],
    ['100.64.0.1', 'shared'],
    ['192.0.2.7', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['0.1.2.3', 'unspecified'],
    ['8.8.8.8', undefined],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fd12:3456::1', 'private'],
    ['2001:db8::5', 'documentation'],
    ['ff02::1', 'multicast'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', undefined],
    ['2a00:1450::1', undefined],
    ['not an address', undefined],
  ];
  for (const [ip, space] of cases) assert.equal(specialSpace(ip), space, ip);
});

test('IPv6 text forms parse to the same number', () => {
  assert.equal(ipv6ToBigint('::1'), 1n);
  assert.equal(ipv6ToBigint('0:0:0:0:0:0:0:1'), 1n);
  assert.equal(ipv6ToBigint('::ffff:1.2.3.4'), (0xffffn << 32n) | 0x01020304n);
  assert.equal(ipv6ToBigint('2001:DB8::'), 0x20010db8n << 96n);
  assert.equal(ipv6ToBigint('1.2.3.4'), undefined);
  assert.equal(ipv6ToBigint('2001:db8:::1'), undefined);
});

test('looks up country, AS and organisation offline from the packaged databases', () => {
  const geo = openGeo();
  // Well-known, long-stable assignments (RIPE NCC's own network and Google's public resolver).
  assert.deepEqual(geo.lookup('193.0.6.139'), { space: 'public', country: 'NL', asn: 3333, org: 'Reseaux IP Europeens Network Coordination Centre (RIPE NCC)' });
  const google = geo.lookup('2001:4860:4860::8888');
  assert.equal(google.space, 'public');
  assert.equal(google.asn, 15169);
  assert.equal(geo.lookup('::ffff:8.8.8.8').asn, 15169, 'IPv4-mapped IPv6 is looked up as IPv4');
  assert.equal(geo.lookup('::ffff:8.8.8.8').country, 'US');
  assert.deepEqual(geo.lookup('127.0.0.1'), { space: 'loopback' });
  assert.deepEqual(geo.lookup('2001:db8::5'), { space: 'documentation' });
});

test("the databases' dates come from the MMDB build epoch and the package version", () => {
  const s = openGeo().sources();
  assert.match(s.country.date, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(s.asn.date, dateFromVersion(s.asn.version));
  assert.match(s.asn.credit, /CC BY 4\.0/);
  assert.equal(dateFromVersion('2.3.2026061719'), '2026-06-17');
  assert.equal(dateFromVersion('1.0.0'), 'unknown');
});

test('ASN CSV lines: quoted organisations, doubled quotes, malformed lines refused', () => {
  assert.deepEqual(parseAsnLine('16777216,16777471,13335,"Cloudflare, Inc."'), ['16777216', '16777471', 13335, 'Cloudflare, Inc.']);
  assert.deepEqual(parseAsnLine('1,2,3,"The ""Quoted"" Net"'), ['1', '2', 3, 'The "Quoted" Net']);
  assert.deepEqual(parseAsnLine('1,2,3,Bare Org'), ['1', '2', 3, 'Bare Org']);
  assert.equal(parseAsnLine('1,2'), undefined);
  assert.equal(parseAsnLine('x,2,3,Org'), undefined);
  assert.equal(parseAsnLine('1,2,AS3,Org'), undefined);
  assert.deepEqual(parseAsnLine('1,2,3,"unterminated'), ['1', '2', 3, 'unterminated']);
});

test('range table: bisection finds the covering range and nothing in gaps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-asn-'));
  try {
    const path = join(dir, 'v4.csv');
    writeFileSync(path, '10,19,1,One\n20,29,2,"Two, Ltd"\nbroken line\n40,49,1,One\r\n');
    const t = RangeTable.ipv4(path);
    assert.equal(t.size, 3);
    assert.equal(t.find(9), undefined);
    assert.deepEqual(t.find(10), { asn: 1, org: 'One' });
    assert.deepEqual(t.find(29), { asn: 2, org: 'Two, Ltd' });
    assert.equal(t.find(35), undefined);
    assert.deepEqual(t.find(49), { asn: 1, org: 'One' });
    assert.equal(t.find(50), undefined);
    writeFileSync(path, 'nothing,useful\n');
    assert.throws(() => RangeTable.ipv4(path), /holds no ranges/);
    assert.throws(() => RangeTable.ipv4(join(dir, 'missing.csv')), /cannot read the ASN table .*ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
