/**
 * Lab self-test: each real server behaves as its `expected` says, checked
 * with DCMTK's reference clients and Orthanc's REST API; stop leaves no
 * process behind. Runs on 127.0.20.x so other test files can use their own
 * addresses in parallel.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LabError, SET_A, SET_B, planCounts, startLab, stopLab, type Lab, type LabServer, type LabServerName } from '../../src/lab/lab.ts';
import { probePort } from '../../src/lab/ports.ts';
import { echo, find } from './dcmtk-client.ts';

/** The five DICOM servers; the web and TLS servers are tested in test/integration/web-scan.test.ts. */
const ADDRESSES: Partial<Record<LabServerName, string>> = {
  'orthanc-open': '127.0.20.2',
  'orthanc-locked': '127.0.20.3',
  dcmqrscp: '127.0.20.4',
  storescp: '127.0.20.5',
  'orthanc-echo-only': '127.0.20.6',
};
/** An AE title no site configures: accepted only where the called AE title is not checked. */
const UNLIKELY_AE = 'XQ-NO-SUCH-AE-7';

async function processGone(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat === '' || /\) [ZX] /.test(stat);
}

let root: string;
let lab: Lab;

function server(name: LabServerName): LabServer {
  const s = lab.servers.find((x) => x.name === name);
  assert.ok(s, `${name} is in the lab`);
  return s;
}

describe('loopback lab', { timeout: 180_000 }, () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'exposure-lab-test-'));
    lab = await startLab({ dir: join(root, 'lab'), addresses: ADDRESSES, only: Object.keys(ADDRESSES) as LabServerName[] });
  });

  after(async () => {
    await lab?.stop();
    await rm(root, { recursive: true, force: true });
  });

  test('starts all five servers, each on its own address, and records them in lab.json', async () => {
    assert.deepEqual(lab.servers.map((s) => s.name).sort(), Object.keys(ADDRESSES).sort());
    for (const s of lab.servers) assert.equal(s.ip, ADDRESSES[s.name]);
    const file = JSON.parse(await readFile(join(lab.dir, 'lab.json'), 'utf8')) as { servers: { name: string; pid: number }[] };
    assert.deepEqual(file.servers.map((s) => s.pid).sort(), lab.servers.map((s) => s.pid).sort());
  });

  test('reports the plan it loaded: set A in each Orthanc, set B in dcmqrscp, nothing in storescp', () => {
    const a = planCounts(SET_A);
    const b = planCounts(SET_B);
    assert.deepEqual(a, { patients: 3, studies: 4, series: 5, images: 10, modalities: ['CT', 'MR'] });
    assert.deepEqual(b, { patients: 2, studies: 3, series: 3, images: 7, modalities: ['CT', 'MR'] });
    for (const name of ['orthanc-open', 'orthanc-locked', 'orthanc-echo-only'] as const) assert.deepEqual(server(name).loaded, a);
    assert.deepEqual(server('dcmqrscp').loaded, b);
    assert.equal(server('storescp').loaded.images, 0);
    const { patients, studies, series, images, modalities } = server('orthanc-open').expected;
    assert.deepEqual({ patients, studies, series, images, modalities }, a);
    assert.equal(server('orthanc-locked').expected.patients, 0);
    assert.equal(server('orthanc-echo-only').expected.studies, 0);
  });

  test('listens only on the pinned address (the bind shim works)', async () => {
    assert.equal(await probePort(server('orthanc-open').ip, 4242, 2_000), 'open');
    // An address no server was given: a wildcard bind would answer here.
    assert.equal(await probePort('127.0.20.99', 4242, 2_000), 'closed');
    assert.equal(await probePort('127.0.20.99', 11112, 2_000), 'closed');
    assert.equal(await probePort('127.0.20.99', 104, 2_000), 'closed');
  });

  for (const name of Object.keys(ADDRESSES) as LabServerName[]) {
    test(`${name}: called AE check, C-ECHO and C-FIND are as expected`, async () => {
      const s = server(name);
      const unlikely = await echo(s.ip, s.dicomPort!, UNLIKELY_AE);
      if (s.expected.acceptsAnyCalledAe) {
        assert.equal(unlikely.outcome, 'accepted');
      } else {
        assert.equal(unlikely.outcome, 'called-ae-rejected'); // PS3.8 9.3.4 reason 7
      }
      const own = await echo(s.ip, s.dicomPort!, s.aeTitle);
      assert.equal(own.success, s.expected.echo, `C-ECHO to ${s.aeTitle}`);

      for (const level of ['PATIENT', 'STUDY'] as const) {
        const r = await find(s.ip, s.dicomPort!, s.aeTitle, level);
        assert.equal(r.completed, s.expected.find, `C-FIND at ${level} level completes`);
        assert.equal(r.matches, level === 'PATIENT' ? s.expected.patients : s.expected.studies, `${level} matches`);
      }
    });
  }

  test('orthanc-echo-only: Orthanc 1.10 accepts the association, then aborts on the C-FIND-RQ', async () => {
    const s = server('orthanc-echo-only');
    const r = await find(s.ip, s.dicomPort!, s.aeTitle, 'STUDY');
    assert.equal(r.outcome, 'aborted');
    assert.equal(r.matches, 0);
  });

  test('orthanc-locked: the right called AE title is still refused (calling AE not recognised)', async () => {
    const s = server('orthanc-locked');
    assert.equal((await echo(s.ip, s.dicomPort!, s.aeTitle)).outcome, 'calling-ae-rejected');
  });

  test('storescp: the C-FIND presentation context is refused', async () => {
    const s = server('storescp');
    assert.equal((await find(s.ip, s.dicomPort!, s.aeTitle, 'STUDY')).outcome, 'no-acceptable-context');
  });

  test('dcmqrscp: C-FIND to its own AE title from any calling AE finds set B', async () => {
    const s = server('dcmqrscp');
    assert.equal(s.aeTitle, 'DCMQRSCP');
    const r = await find(s.ip, s.dicomPort!, s.aeTitle, 'STUDY');
    assert.equal(r.completed, true);
    assert.equal(r.matches, planCounts(SET_B).studies);
  });

  test('Orthanc HTTP: /statistics open on orthanc-open and equal to the plan, 401 on the others', async () => {
    const open = server('orthanc-open');
    assert.equal(open.httpAuthRequired, false);
    const res = await fetch(`http://${open.ip}:${open.httpPort}/statistics`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200);
    const stats = (await res.json()) as Record<string, number>;
    const a = planCounts(SET_A);
    assert.deepEqual(
      [stats['CountPatients'], stats['CountStudies'], stats['CountSeries'], stats['CountInstances']],
      [a.patients, a.studies, a.series, a.images],
    );
    for (const name of ['orthanc-locked', 'orthanc-echo-only'] as const) {
      const s = server(name);
      assert.equal(s.httpAuthRequired, true);
      const r = await fetch(`http://${s.ip}:${s.httpPort}/statistics`, { signal: AbortSignal.timeout(10_000) });
      await r.body?.cancel();
      assert.equal(r.status, 401, name);
    }
  });

  test('refuses a second server on an address and port already taken, with a clear message', async () => {
    const dir = join(root, 'clash');
    await assert.rejects(
      startLab({ dir, only: ['storescp'], addresses: { storescp: ADDRESSES.storescp } }),
      (e: unknown) => e instanceof LabError && e.code === 'port-in-use' && /127\.0\.20\.5:104/.test(e.message),
    );
  });

  test('refuses addresses outside 127.0.0.0/8 before starting anything', async () => {
    await assert.rejects(
      startLab({ dir: join(root, 'bad'), only: ['storescp'], addresses: { storescp: '10.0.0.5' } }),
      (e: unknown) => e instanceof LabError && e.code === 'bad-address',
    );
  });

  test('stopLab(dir) stops a lab started elsewhere, from its lab.json', async () => {
    const dir = join(root, 'other');
    const other = await startLab({ dir, only: ['storescp'], addresses: { storescp: '127.0.20.15' } });
    const pid = other.servers[0]?.pid ?? 0;
    assert.equal(await processGone(pid), false);
    await stopLab(dir);
    assert.equal(await processGone(pid), true);
    assert.equal(await probePort('127.0.20.15', 104, 2_000), 'closed');
  });

  test('starting again in the same folder stops the previous lab first', async () => {
    const dir = join(root, 'restart');
    const first = await startLab({ dir, only: ['storescp'], addresses: { storescp: '127.0.20.16' } });
    const second = await startLab({ dir, only: ['storescp'], addresses: { storescp: '127.0.20.16' } });
    try {
      assert.equal(await processGone(first.servers[0]?.pid ?? 0), true);
      assert.equal(await processGone(second.servers[0]?.pid ?? 0), false);
    } finally {
      await second.stop();
    }
  });

  test('stop() ends every server process and frees the ports', async () => {
    const pids = lab.servers.map((s) => s.pid);
    await lab.stop();
    for (const pid of pids) assert.equal(await processGone(pid), true, `pid ${pid} is gone`);
    for (const s of lab.servers) assert.equal(await probePort(s.ip, s.dicomPort!, 2_000), 'closed', `${s.name} port closed`);
  });
});
