/** The watch configuration: YAML and JSON read alike, scan defaults filled, every mistake one line with its path. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SCAN_DEFAULTS } from '../../src/scan/options.ts';
import { loadWatchConfig, watchConfigFrom } from '../../src/watch/config.ts';
import { WatchError } from '../../src/watch/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'exposure-watch-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const MINIMAL = { schedule: '0 2 * * *', scopes: [{ name: 'radiology', targets: ['10.1.0.0/24'] }] };

/** The message of the WatchError a document raises. */
function problem(document: unknown): string {
  try {
    watchConfigFrom(document, join(dir, 'watch.yaml'));
  } catch (err) {
    assert.ok(err instanceof WatchError, String(err));
    assert.equal(err.code, 'CONFIG');
    return err.message;
  }
  assert.fail('the configuration was accepted');
}

describe('reading a watch configuration', () => {
  it('reads YAML, fills scan options with exposure scan\'s defaults and reads relative paths from the file\'s folder', () => {
    const path = file(
      'watch.yaml',
      `# nightly
schedule: "0 2 * * *"
timezone: Europe/Berlin
retention: { runs: 14 }
scopes:
  - name: radiology
    targets: [10.1.0.0/24, "@hosts.txt"]
    ports: [104, 4242]
    probes: [dicom]
    scan: { ioTimeout: 5000, exclude: [never.txt], allowList: /etc/exposure/allow.txt }
  - name: cardiology
    targets: [10.2.0.5]
    schedule: "*/30 * * * 1-5"
    retention: { runs: 3 }
alerts:
  webhook: { url: "https://hooks.example.org/T1/secret-path", secretFile: key.txt }
  email: { host: smtp.example.org, from: exposure@example.org, to: [pacs-admin@example.org], userEnv: SMTP_USER, passwordEnv: SMTP_PASS }
`,
    );
    const c = loadWatchConfig(path);
    assert.equal(c.timezone, 'Europe/Berlin');
    const [radiology, cardiology] = c.scopes;
    assert.deepEqual(radiology?.targets, ['10.1.0.0/24', `@${join(dir, 'hosts.txt')}`]);
    assert.deepEqual(radiology?.ports, [104, 4242]);
    assert.deepEqual(radiology?.probes, ['dicom']);
    assert.equal(radiology?.schedule, '0 2 * * *');
    assert.equal(radiology?.keepRuns, 14);
    assert.equal(radiology?.scan.ioTimeout, 5000);
    assert.deepEqual(radiology?.scan.exclude, [join(dir, 'never.txt')]);
    assert.equal(radiology?.scan.allowList, '/etc/exposure/allow.txt');
    assert.equal(cardiology?.schedule, '*/30 * * * 1-5');
    assert.equal(cardiology?.keepRuns, 3);
    const s = cardiology!.scan;
    assert.deepEqual(
      [s.callingAe, s.maxRecords, s.concurrency, s.rate, s.perHost, s.retries, s.connectTimeout, s.ioTimeout, s.probeTimeout, s.maxDepth, s.walkTime],
      [SCAN_DEFAULTS.callingAeTitle, SCAN_DEFAULTS.maxRecords, SCAN_DEFAULTS.concurrency, SCAN_DEFAULTS.rate, SCAN_DEFAULTS.perHost, SCAN_DEFAULTS.retries,
        SCAN_DEFAULTS.connectTimeoutMs, SCAN_DEFAULTS.ioTimeoutMs, SCAN_DEFAULTS.probeTimeoutMs, SCAN_DEFAULTS.fileWalk.maxDepth, SCAN_DEFAULTS.fileWalk.walkTimeMs],
    );
    assert.equal(s.checkLogins, false);
    assert.equal(s.guessList, true);
    assert.equal(c.alerts?.minSeverity, 'high');
    assert.equal(c.alerts?.webhook?.secretFile, join(dir, 'key.txt'));
    assert.deepEqual([c.alerts?.webhook?.attempts, c.alerts?.webhook?.timeoutMs], [4, 10_000]);
    assert.equal(c.alerts?.email?.port, 587);
    assert.equal(c.alerts?.email?.tls, 'starttls');
  });

  it('reads JSON as well, and the default retention is 30 runs', () => {
    const c = loadWatchConfig(file('watch.json', JSON.stringify(MINIMAL)));
    assert.equal(c.scopes[0]?.keepRuns, 30);
    assert.equal(c.alerts, undefined);
  });

  it('names the path of each mistake', () => {
    assert.match(problem({ ...MINIMAL, scopes: [{ name: 'a', targets: ['10.0.0.1'], ports: [70000] }] }), /scopes\.0\.ports\.0: Number must be less than or equal to 65535/);
    assert.match(problem({ ...MINIMAL, scopes: [{ name: 'a', targets: [] }] }), /scopes\.0\.targets: Array must contain at least 1/);
    assert.match(problem({ ...MINIMAL, scopes: [{ name: 'a', targets: ['x'], scan: { ioTimout: 5 } }] }), /scopes\.0\.scan: Unrecognized key\(s\) in object: 'ioTimout'/);
    assert.match(problem({ ...MINIMAL, scopes: [{ name: 'a', targets: ['x'], probes: ['gopher'] }] }), /scopes\.0\.probes\.0: Invalid enum value/);
    assert.match(problem({ ...MINIMAL, scopes: [{ name: 'a', targets: ['x'], scan: { callingAe: 'THIS-TITLE-IS-FAR-TOO-LONG' } }] }), /scopes\.0\.scan\.callingAe: /);
    assert.match(problem({ ...MINIMAL, scopes: [{ name: 'has space', targets: ['x'] }] }), /scopes\.0\.name: letters, digits/);
    assert.match(problem({ scopes: [{ name: 'a', targets: ['x'] }] }), /scopes\.0\.schedule: no schedule/);
    assert.match(problem({ ...MINIMAL, scopes: [{ name: 'a', targets: ['x'] }, { name: 'a', targets: ['y'] }] }), /scopes\.1\.name: a second scope named "a"/);
    assert.match(problem({ ...MINIMAL, timezone: 'Mars/Olympus' }), /timezone: not an IANA time zone/);
    assert.match(problem({ ...MINIMAL, scopes: [] }), /scopes: Array must contain at least 1/);
    assert.match(problem('just text'), /\(top\): Expected object/);
  });

  it('refuses a schedule that is not 5-field cron, or that never fires', () => {
    assert.match(problem({ ...MINIMAL, schedule: '0 2 * *' }), /schedule: not a 5-field cron schedule/);
    assert.match(problem({ ...MINIMAL, schedule: '0 0 2 * * *' }), /schedule: not a 5-field cron schedule/);
    assert.match(problem({ ...MINIMAL, scopes: [{ name: 'a', targets: ['x'], schedule: '61 * * * *' }] }), /scopes\.0\.schedule: .*minute/);
    assert.match(problem({ ...MINIMAL, schedule: '0 0 31 2 *' }), /schedule: .*names no time that ever comes/);
  });

  it('never takes a secret in clear, and wants one named', () => {
    const hook = (w: object): unknown => ({ ...MINIMAL, alerts: { webhook: { url: 'https://h.example.org/x', ...w } } });
    assert.match(problem(hook({ secret: 's3cret' })), /alerts\.webhook\.secret: a secret is never written in the configuration/);
    assert.ok(!problem(hook({ secret: 's3cret' })).includes('s3cret'), 'the secret is not repeated');
    assert.match(problem(hook({})), /alerts\.webhook\.secretEnv: name the key/);
    assert.match(problem(hook({ secretEnv: 'A', secretFile: 'b' })), /alerts\.webhook\.secretEnv: name the key/);
    assert.match(problem(hook({ secretEnv: 'A', url: 'ftp://h.example.org/' })), /alerts\.webhook\.url: an http:\/\/ or https:\/\/ URL/);
    assert.match(problem(hook({ secretEnv: 'NOT A NAME' })), /alerts\.webhook\.secretEnv: an environment variable name/);
    const mail = (e: object): unknown => ({ ...MINIMAL, alerts: { email: { host: 'smtp.example.org', from: 'a@example.org', to: ['b@example.org'], ...e } } });
    assert.match(problem(mail({ password: 'hunter2' })), /alerts\.email\.password: a secret is never written/);
    assert.match(problem(mail({ userEnv: 'U' })), /alerts\.email\.userEnv: a login needs both/);
    assert.match(problem(mail({ to: ['not-an-address'] })), /alerts\.email\.to\.0: Invalid email/);
  });

  it('says which file cannot be read or parsed', () => {
    assert.throws(() => loadWatchConfig(join(dir, 'missing.yaml')), /cannot read the watch configuration .*missing\.yaml/);
    assert.throws(() => loadWatchConfig(file('broken.yaml', 'scopes: [\n  - name: a\n    targets: [x')), /broken\.yaml is neither YAML nor JSON/);
    assert.throws(() => loadWatchConfig(file('big.yaml', `# ${'x'.repeat(1 << 20)}\n`)), /big\.yaml is \d+ bytes: a watch configuration is at most/);
  });
});
