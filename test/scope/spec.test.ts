import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec, checkEnumerable, TargetSpecError } from '../../src/scope/spec.ts';
import { formatIpv6, parseIpv6 } from '../../src/scope/ipv6.ts';
import { TargetSpaceBuilder } from '../../src/scope/space.ts';
import { addTargetArgs } from '../../src/scope/target-args.ts';
import { NO_EXCLUSIONS } from '../../src/scope/exclusions.ts';

const builder = () => new TargetSpaceBuilder({ exclude: NO_EXCLUSIONS, defaultExclusions: false, resolve: async () => [] });

describe('target spec forms', () => {
  it('parses IPv4 addresses, ranges and CIDR blocks', () => {
    assert.deepEqual(parseSpec('10.0.0.5-10.0.0.90'), { kind: 'ipv4', text: '10.0.0.5-10.0.0.90', range: { first: 0x0a000005, last: 0x0a00005a } });
    assert.deepEqual(parseSpec('10.1.2.3/16').kind === 'ipv4' && parseSpec('10.1.2.3/16'), { kind: 'ipv4', text: '10.1.2.3/16', range: { first: 0x0a010000, last: 0x0a01ffff } });
    assert.deepEqual(parseSpec(' 127.0.0.1 '), { kind: 'ipv4', text: '127.0.0.1', range: { first: 0x7f000001, last: 0x7f000001 } });
  });

  it('parses IPv6 addresses, prefixes and ranges in every text form', () => {
    assert.equal(parseIpv6('::1'), 1n);
    assert.equal(parseIpv6('2001:DB8::a:1'), 0x20010db80000000000000000000a0001n);
    assert.equal(parseIpv6('::ffff:10.0.0.1'), 0xffff0a000001n);
    assert.equal(formatIpv6(0x20010db8000000000000000000000001n), '2001:db8::1');
    assert.equal(formatIpv6(0n), '::');
    for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', ':::', 'fe80::g']) assert.equal(parseIpv6(bad), undefined, bad);
    const p = parseSpec('2001:db8::/120');
    assert.ok(p.kind === 'ipv6');
    assert.equal(p.range.last - p.range.first + 1n, 256n);
    const r = parseSpec('2001:db8::1-2001:db8::10');
    assert.ok(r.kind === 'ipv6');
    assert.equal(r.range.last - r.range.first, 15n);
  });

  it('refuses IPv6 prefixes too large to enumerate, with a clear message', () => {
    checkEnumerable(parseSpec('2001:db8::/112'));
    assert.throws(() => checkEnumerable(parseSpec('2001:db8::/64')), /cannot be swept.*\/112 or longer/);
    assert.throws(() => builder().add(parseSpec('fd00::/48')), TargetSpecError);
  });

  it('takes hostnames, and refuses what is none of the forms', () => {
    assert.deepEqual(parseSpec('PACS-1.example.org'), { kind: 'hostname', text: 'PACS-1.example.org', name: 'pacs-1.example.org' });
    assert.throws(() => parseSpec('127.0.0.300'), /not an IPv4 address/);
    assert.throws(() => parseSpec('10.0.0.0/33'), /prefix length must be 0 to 32/);
    assert.throws(() => parseSpec('2001:db8::/129'), /0 to 128/);
    assert.throws(() => parseSpec('10.0.0.1-foo'), /"foo" is not an IPv4 address/);
    assert.throws(() => parseSpec('under_score!'), /not an IPv4 or IPv6 address, range/);
    assert.throws(() => parseSpec('1:2:3'), /not an IPv6 address/);
    assert.throws(() => parseSpec('2001:db8::10-2001:db8::1'), (e: Error) => e instanceof TargetSpecError && /end is lower than the start/.test(e.message));
    assert.throws(() => parseSpec('2001:db8::1-10.0.0.1'), /"10\.0\.0\.1" is not an IPv6 address/);
  });

  it('reads @file lists with comments and names the line of a bad spec', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exposure-spec-'));
    try {
      const file = join(dir, 'targets.txt');
      writeFileSync(file, '# lab\n127.0.0.2\n\n127.0.0.10-127.0.0.1 # reversed\n');
      assert.throws(
        () => addTargetArgs([`@${file}`], builder()),
        (e: Error) => e instanceof TargetSpecError && e.message === `127.0.0.10-127.0.0.1 is not a range: the end is lower than the start (line 4 of ${file})`,
      );
      writeFileSync(file, '# lab\n127.0.0.2\n127.0.0.4/31 # two\r\n');
      const b = builder();
      assert.equal(addTargetArgs([`@${file}`, '127.0.0.9,127.0.0.10 ::1'], b), 5);
      assert.throws(() => addTargetArgs([`@${join(dir, 'missing.txt')}`], builder()), /cannot read target file .*ENOENT/);
      assert.throws(() => addTargetArgs(['', ','], builder()), /no targets given/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
