/**
 * A page and its chart images share one read of the store: the timeline's
 * runs' totals are read for the page and not again for its two images, and
 * read afresh when the scope gains a run or a run is still going; a kept
 * read lasts a minute. Handlers called directly over a reader that counts
 * its calls: no server, no network.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StoreReader } from '../../src/store/index.ts';
import { keptPages, timeline, timelineChart, type HandlerContext, type KeptPages } from '../../src/web/handlers.ts';
import { KeptReads } from '../../src/web/kept.ts';
import { counting } from '../store/counting.ts';
import { buildReportStore, RUN_RESCAN, RUN_STUDY, type ReportStore } from '../fixtures/report-store.ts';

let f: ReportStore;

before(async () => {
  f = await buildReportStore();
});

after(async () => {
  await f?.cleanup();
});

function context(reader: StoreReader, kept: KeptPages, ids: number[]): HandlerContext {
  return { store: reader, url: new URL(`http://127.0.102.1/runs/${ids.join('/')}`), ids, csrf: 'c', kept, now: Date.now, canVerify: false };
}

/** A timeline page and its two chart images, as a browser asks for them. */
async function pageAndCharts(reader: StoreReader, kept: KeptPages, run: number): Promise<string[]> {
  const bodies = [(await timeline(context(reader, kept, [run]))).body];
  for (const chart of [0, 1]) bodies.push((await timelineChart(context(reader, kept, [run, chart]))).body);
  return bodies;
}

describe('the timeline and its chart images', () => {
  it('read the runs\' totals once for the page and its two images, the run list once a request', async () => {
    const { store: reader, calls } = counting<StoreReader>(f.store);
    const [page, exposure, patients] = await pageAndCharts(reader, keptPages(Date.now), RUN_RESCAN);
    // Runs 1 and 3 are the scope (run 2 scanned other targets): two totals, three requests.
    assert.equal(calls.get('runTotals'), 2);
    assert.equal(calls.get('runs'), 3);
    assert.match(page!, new RegExp(`run ${RUN_STUDY}<`));
    for (const svg of [exposure, patients]) {
      assert.match(svg!, /^<svg/);
      assert.match(svg!, new RegExp(`run ${RUN_RESCAN}`));
    }
  });

  it('read afresh while a run of the scope is going, and once more when it has finished', async () => {
    const { store: reader, calls } = counting<StoreReader>(f.store);
    const kept = keptPages(Date.now);
    await pageAndCharts(reader, kept, RUN_RESCAN);
    assert.equal(calls.get('runTotals'), 2);
    const study = await f.store.run(RUN_STUDY);
    const going = await f.store.startRun(study!.meta);
    await pageAndCharts(reader, kept, RUN_RESCAN);
    assert.equal(calls.get('runTotals'), 2 + 3 * 3, 'a running run: every request reads the three runs');
    await f.store.finishRun(going, { targetsTotal: 1, hostsDone: 1, openPorts: 0, excluded: 0, status: 'completed' });
    await pageAndCharts(reader, kept, RUN_RESCAN);
    assert.equal(calls.get('runTotals'), 2 + 9 + 3, 'finished: read once for the page, kept for its images');
    await f.store.deleteRun(going);
  });
});

describe('a kept read', () => {
  it('is kept for a minute when settled, never when not, and the oldest gives way beyond the bound', async () => {
    let clock = 0;
    let reads = 0;
    const kept = new KeptReads<string, number>(() => clock, 60_000, 2);
    const read = async (): Promise<number> => ++reads;
    assert.equal(await kept.get('a', true, read), 1);
    assert.equal(await kept.get('a', true, read), 1);
    assert.equal(await kept.get('a', false, read), 2, 'unsettled: read afresh');
    clock = 60_000;
    assert.equal(await kept.get('a', true, read), 3, 'a minute on: read afresh');
    await kept.get('b', true, read);
    await kept.get('c', true, read);
    assert.equal(reads, 5);
    assert.equal(await kept.get('c', true, read), 5);
    assert.equal(await kept.get('a', true, read), 6, 'the oldest made way for the third');
  });
});
