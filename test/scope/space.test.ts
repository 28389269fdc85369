import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRangeLines, NO_EXCLUSIONS, type ExclusionList } from '../../src/scope/exclusions.ts';
import { TargetSpaceBuilder, type Resolver } from '../../src/scope/space.ts';
import { addTargetArgs } from '../../src/scope/target-args.ts';
import { checkSpaceAuthorised, isAuthorisedAddress, OutOfScopeError, spacePolicy } from '../../src/scope/guard.ts';

async function space(args: string[], opts: { exclude?: ExclusionList; defaults?: boolean; resolve?: Resolver } = {}) {
  const b = new TargetSpaceBuilder({ exclude: opts.exclude ?? NO_EXCLUSIONS, defaultExclusions: opts.defaults ?? true, resolve: opts.resolve ?? (async () => []) });
  addTargetArgs(args, b);
  return b.build();
}

const all = (s: Awaited<ReturnType<typeof space>>) => Array.from({ length: s.size }, (_, i) => s.at(i).ip);

describe('target space and exclusions', () => {
  it('keeps the lab and a hospital /8 as typed: a spec wholly inside a default range is explicit intent', async () => {
    const lab = await space(['127.0.0.2-127.0.0.9']);
    assert.equal(lab.size, 8);
    assert.equal(lab.excluded, 0);
    const hospital = await space(['10.0.0.0/8']);
    assert.equal(hospital.size, 2 ** 24);
    assert.equal(hospital.at(2 ** 24 - 1).ip, '10.255.255.255');
  });

  it('removes every special-purpose range from a sweep, and counts them', async () => {
    const sweep = await space(['0.0.0.0/0']);
    assert.equal(sweep.contains('10.1.2.3'), false);
    assert.equal(sweep.contains('127.0.0.1'), false);
    assert.equal(sweep.contains('192.168.1.1'), false);
    assert.equal(sweep.contains('224.0.0.1'), false);
    assert.equal(sweep.contains('8.8.8.8'), true);
    assert.equal(sweep.size + sweep.excluded, 2 ** 32);
    assert.ok(sweep.excluded > 2 ** 28 && sweep.size > 3.5e9);
    const straddling = await space(['126.255.255.254-127.0.0.1']);
    assert.deepEqual(all(straddling), ['126.255.255.254', '126.255.255.255']);
    assert.equal(straddling.excluded, 2);
    const off = await space(['0.0.0.0/0'], { defaults: false });
    assert.equal(off.size, 2 ** 32);
  });

  it('lets user exclusions (ZMap blocklist format) win over inclusions, also inside explicit specs', async () => {
    const exclude = parseRangeLines('# blocklist\n127.0.0.4/31 # two\n127.0.0.9\n2001:db8::8/126\n', 'blocklist.conf');
    const s = await space(['127.0.0.2-127.0.0.9', '2001:db8::1-2001:db8::10'], { exclude, defaults: false });
    assert.deepEqual(all(s).slice(0, 5), ['127.0.0.2', '127.0.0.3', '127.0.0.6', '127.0.0.7', '127.0.0.8']);
    assert.equal(s.excluded, 3 + 4);
    assert.equal(spacePolicy(s).check('127.0.0.5').allowed, false);
    assert.equal(spacePolicy(s).check('127.0.0.6').allowed, true);
    assert.equal(spacePolicy(s).check('2001:db8::9').allowed, false);
    assert.equal(spacePolicy(s).check('2001:db8::c').allowed, true);
    assert.equal(spacePolicy(s).check('127.0.1.2').allowed, false, 'not among the targets');
    assert.equal(spacePolicy(s).check('2001:db8::11').allowed, false, 'not among the targets');
    assert.equal(spacePolicy(s).check('pacs.example.test').allowed, false, 'the dialer takes addresses only');
    assert.throws(() => parseRangeLines('10.0.0.0/8\nnot-an-address!\n', 'blocklist.conf'), /\(line 2 of blocklist.conf\)/);
  });

  it('streams the addresses of comma-separated ranges, CIDR blocks and single addresses, IPv4 and IPv6', async () => {
    const s = await space(['127.0.0.2-127.0.0.4,127.0.1.0/31', '127.0.2.9', 'fd00::1:0/127,fd00::9'], { defaults: false });
    assert.deepEqual(all(s), ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.1.0', '127.0.1.1', '127.0.2.9', 'fd00::9', 'fd00::1:0', 'fd00::1:1']);
  });

  it('merges overlapping specs so no address is scanned twice', async () => {
    const s = await space(['127.0.0.1-127.0.0.5', '127.0.0.3-127.0.0.8', '127.0.0.4']);
    assert.equal(s.size, 8);
  });

  it('resolves hostnames once and records them with their addresses', async () => {
    let calls = 0;
    const s = await space(['pacs.example.test', '127.0.0.2'], {
      resolve: async (name) => {
        calls++;
        return name === 'pacs.example.test' ? ['127.0.0.7', '127.0.0.2'] : [];
      },
    });
    assert.equal(calls, 1);
    assert.deepEqual(s.resolved, [{ name: 'pacs.example.test', addresses: ['127.0.0.7', '127.0.0.2'] }]);
    assert.deepEqual(all(s), ['127.0.0.2', '127.0.0.7']);
    assert.equal(s.at(1).hostname, 'pacs.example.test');
  });
});

describe('authorisation guard over a target space', () => {
  it('accepts loopback, private and unique-local space', async () => {
    checkSpaceAuthorised(await space(['127.0.0.0/8', '10.1.0.0/16', 'fd00::/120', '::1']), NO_EXCLUSIONS);
  });

  it('refuses public IPv4 and IPv6 without an allow-list and says how', async () => {
    await assert.rejects(async () => checkSpaceAuthorised(await space(['8.8.8.0/24']), NO_EXCLUSIONS), (e: Error) => e instanceof OutOfScopeError && /8\.8\.8\.0.*--allow-list FILE/.test(e.message));
    await assert.rejects(async () => checkSpaceAuthorised(await space(['2a00:1450::/120']), NO_EXCLUSIONS), OutOfScopeError);
    await assert.rejects(async () => checkSpaceAuthorised(await space(['192.168.255.250-192.169.0.3']), NO_EXCLUSIONS), /192\.169\.0\.0/);
    // A range that only starts in unique-local space (fc00::/7 ends at fdff:…:ffff).
    await assert.rejects(async () => checkSpaceAuthorised(await space(['fdff:ffff:ffff:ffff:ffff:ffff:ffff:fffe-fe00::1'], { defaults: false }), NO_EXCLUSIONS), OutOfScopeError);
    const allow = parseRangeLines('8.8.8.0/24\n2a00:1450::/112\n', 'allow.txt');
    checkSpaceAuthorised(await space(['8.8.8.0/25', '2a00:1450::/120']), allow);
  });

  it('refuses a hostname that resolves to public space unless allow-listed', async () => {
    const resolve: Resolver = async () => ['93.184.216.34'];
    await assert.rejects(async () => checkSpaceAuthorised(await space(['pacs.example.test'], { resolve }), NO_EXCLUSIONS), /pacs\.example\.test: it resolves to 93\.184\.216\.34/);
    checkSpaceAuthorised(await space(['pacs.example.test'], { resolve }), parseRangeLines('93.184.216.0/24', 'allow'));
    assert.equal(isAuthorisedAddress('fe80::1', NO_EXCLUSIONS), true);
    assert.equal(isAuthorisedAddress('8.8.4.4', NO_EXCLUSIONS), false);
    assert.equal(isAuthorisedAddress('172.32.0.1', NO_EXCLUSIONS), false, 'just past 172.16.0.0/12');
    assert.equal(isAuthorisedAddress('2a00:1450::1', NO_EXCLUSIONS), false);
    assert.equal(isAuthorisedAddress('2a00:1450::1', parseRangeLines('2a00:1450::/112', 'allow')), true);
    assert.equal(isAuthorisedAddress('not-an-address', NO_EXCLUSIONS), false);
  });
});

describe('index space', () => {
  it('maps every index to one address across IPv4 ranges, IPv6 ranges and resolved names', async () => {
    const s = await space(['127.0.0.1-127.0.0.2', '2001:db8::1', '2001:db8::10-2001:db8::11', 'fd00::5', 'pacs.example.test'], {
      defaults: false,
      resolve: async () => ['127.0.0.9'],
    });
    assert.deepEqual(all(s), ['127.0.0.1', '127.0.0.2', '2001:db8::1', '2001:db8::10', '2001:db8::11', 'fd00::5', '127.0.0.9']);
    assert.equal(s.at(6).hostname, 'pacs.example.test');
    assert.throws(() => s.at(7), RangeError);
  });
});
