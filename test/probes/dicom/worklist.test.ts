/**
 * The worklist step of the DICOM probe (PS3.4 K.6.1): the identifier it sends, how it
 * reads what comes back (counts, distinct patients, inventory, never a value), its cap,
 * and peers that never end or send broken items. Scripted peers on 127.0.96.10, port 0.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { assess } from '../../../src/assess/assess.ts';
import { isExposed } from '../../../src/observation/exposed.ts';
import { encodeDataset, type ElementInput } from '../../../src/protocols/dicom/dataset/encode.ts';
import { listElements, listItems } from '../../../src/protocols/dicom/dataset/walk.ts';
import { readString } from '../../../src/protocols/dicom/dataset/values.ts';
import { encodePdu, type Pdu } from '../../../src/protocols/dicom/ul/index.ts';
import { Status } from '../../../src/protocols/dicom/dimse/status.ts';
import type { DimseMessage } from '../../../src/protocols/dicom/dimse/messages.ts';
import { UID } from '../../../src/protocols/dicom/uids.ts';
import { WORKLIST_IDENTIFIER } from '../../../src/probes/dicom/worklist-query.ts';
import { correct, probeArchive, reply, type Answer } from './scripted-archive.ts';

const HOST = '127.0.96.10';

/** Made-up worklist values: none may reach the observation. */
const PLANTED = ['WLTESTNAME^ALPHA', 'WLTESTNAME^BRAVO', 'WLID-7781', 'WLID-7782', '19440229', 'WLPROC-KNEE', 'WLDOC^SCHEDULED', 'WLSTEP-DESC', 'XRAYSTATION1', 'WLMODALITYX'];

interface Entry {
  readonly name: string;
  readonly id: string;
  readonly modality: string;
}

const ENTRIES: readonly Entry[] = [
  { name: 'WLTESTNAME^ALPHA', id: 'WLID-7781', modality: 'CT' },
  { name: 'WLTESTNAME^BRAVO', id: 'WLID-7782', modality: 'MR' },
  { name: 'WLTESTNAME^ALPHA', id: 'WLID-7781', modality: 'WLMODALITYX' },
];

/** One scheduled procedure step as a worklist SCP answers it; `step` overrides its sequence item. */
function worklistItem(e: Entry, step?: readonly ElementInput[]): Buffer {
  return encodeDataset(
    [
      { tag: 0x00100010, vr: 'PN', value: e.name },
      { tag: 0x00100020, vr: 'LO', value: e.id },
      { tag: 0x00100030, vr: 'DA', value: '19440229' },
      { tag: 0x00321060, vr: 'LO', value: 'WLPROC-KNEE' },
      {
        tag: 0x00400100,
        vr: 'SQ',
        items: [
          step ?? [
            { tag: 0x00080060, vr: 'CS', value: e.modality },
            { tag: 0x00400001, vr: 'AE', value: 'XRAYSTATION1' },
            { tag: 0x00400006, vr: 'PN', value: 'WLDOC^SCHEDULED' },
            { tag: 0x00400007, vr: 'LO', value: 'WLSTEP-DESC' },
          ],
        ],
      },
    ],
    UID.implicitVrLittleEndian,
  );
}

function pendingItem(ctx: number, messageId: number, dataset: Buffer): Pdu[] {
  return reply(ctx, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: messageId, status: Status.Pending }, dataset);
}

function done(ctx: number, messageId: number): Pdu[] {
  return reply(ctx, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: messageId, status: Status.Success });
}

type CFindRq = Extract<DimseMessage, { type: 'C-FIND-RQ' }>;
/** What a scripted worklist sends back for our worklist C-FIND-RQ. */
type WorklistAnswer = (rq: CFindRq, contextId: number, socket: net.Socket) => Pdu[];

/** An archive (the scripted one's two studies) that is also a worklist: `onWorklist` answers the worklist C-FIND. */
function withWorklist(onWorklist: WorklistAnswer, heard?: { sopClass?: string; contextId?: number }): Answer {
  return (rq, ctx, socket) => {
    if (rq.type === 'C-FIND-RQ' && rq.affectedSopClassUid === UID.modalityWorklistFind) {
      if (heard) Object.assign(heard, { sopClass: rq.affectedSopClassUid, contextId: ctx });
      return onWorklist(rq, ctx, socket);
    }
    return correct(rq, ctx, socket);
  };
}

const listsEntries: WorklistAnswer = (rq, ctx) => [...ENTRIES.flatMap((e) => pendingItem(ctx, rq.messageId, worklistItem(e))), ...done(ctx, rq.messageId)];

function noPlantedValue(o: unknown): void {
  const json = JSON.stringify(o);
  for (const v of PLANTED) assert.ok(!json.includes(v), `a planted value reached the observation (${v.length} characters)`);
}

describe('the worklist identifier', () => {
  for (const ts of [UID.implicitVrLittleEndian, UID.explicitVrLittleEndian]) {
    it(`asks every key empty, no Query/Retrieve Level, one scheduled-step item of empty keys (${ts === UID.implicitVrLittleEndian ? 'implicit' : 'explicit'} VR)`, () => {
      const buf = encodeDataset(WORKLIST_IDENTIFIER, ts);
      const walked = listElements(buf, ts);
      assert.ok(walked.ok);
      const tags = walked.elements.map((e) => e.tag);
      assert.ok(!tags.includes(0x00080052), 'a worklist query has no Query/Retrieve Level (PS3.4 K.6.1.2)');
      assert.deepEqual([...tags].sort((a, b) => a - b), tags, 'ascending tag order (PS3.5 7.1)');
      for (const t of [0x00100010, 0x00100020, 0x00100030, 0x00321060, 0x00080050]) assert.ok(tags.includes(t), t.toString(16));
      for (const e of walked.elements.filter((x) => x.tag !== 0x00400100)) assert.equal(e.length, 0, `${e.tag.toString(16)} is empty: universal matching`);
      const sps = walked.elements.find((e) => e.tag === 0x00400100);
      assert.ok(sps);
      const items = listItems(buf, sps, ts, { maxItems: 5 });
      assert.ok(items.ok);
      assert.equal(items.items.length, 1);
      const stepTags = items.items[0]!.map((e) => e.tag);
      for (const t of [0x00080060, 0x00400001, 0x00400002, 0x00400006]) assert.ok(stepTags.includes(t), t.toString(16));
      for (const e of items.items[0]!) assert.equal(e.length, 0);
    });
  }
});

describe('DICOM probe: the worklist on the same association', () => {
  it('counts the scheduled steps and distinct patients, inventories the attributes top level and in the step, keeps no value', async () => {
    const heard: { sopClass?: string; contextId?: number } = {};
    const { o, d, types } = await probeArchive(HOST, withWorklist(listsEntries, heard), { ioTimeoutMs: 2000, worklist: true });
    assert.equal(o.status, 'success');
    assert.equal(heard.sopClass, UID.modalityWorklistFind);
    assert.equal(heard.contextId, 5);
    assert.deepEqual(types, ['A-ASSOCIATE-RQ', 'C-ECHO-RQ', 'C-FIND-RQ', 'P-DATA-TF', 'C-FIND-RQ', 'P-DATA-TF', 'A-RELEASE-RQ'], 'one association, one connection');
    assert.equal(d?.find.matches, 2, 'the archive query stands beside it');
    const mwl = d?.mwl;
    assert.ok(mwl);
    assert.equal(mwl.outcome, 'success');
    assert.equal(mwl.matches, 3);
    assert.equal(mwl.capped, false);
    assert.deepEqual(mwl.patients, { n: 2, atLeast: false });
    assert.deepEqual(mwl.modalities, ['CT', 'MR']);
    assert.equal(mwl.otherModalities, 1, 'a value that is no defined term is counted, not kept');
    assert.equal(mwl.inventory?.records, 3);
    const present = Object.fromEntries((mwl.inventory?.attributes ?? []).map((a) => [a.keyword, a.present]));
    assert.deepEqual(present, { PatientName: 3, PatientID: 3, PatientBirthDate: 3, RequestedProcedureDescription: 3, ScheduledPerformingPhysicianName: 3, ScheduledProcedureStepDescription: 3 });
    // The archive's counts and inventory are the archive's: the worklist does not add to them.
    assert.deepEqual(o.exposure.studies, { n: 2, atLeast: false });
    assert.ok(!(o.inventory?.attributes ?? []).some((a) => a.keyword === 'RequestedProcedureDescription'));
    const f = assess(o).find((x) => x.ruleId === 'EXP-DICOM-007');
    assert.equal(f?.severity, 'critical');
    assert.match(f?.evidence ?? '', /returned 3 scheduled procedure steps of 2 patients; identifying attributes returned: PatientName, PatientID, PatientBirthDate, RequestedProcedureDescription, ScheduledPerformingPhysicianName, ScheduledProcedureStepDescription\./);
    noPlantedValue(o);
    noPlantedValue(assess(o));
  });

  it('a worklist-only peer (the archive context rejected) is exposed by its worklist alone', async () => {
    const { o, d } = await probeArchive(HOST, withWorklist(listsEntries), { ioTimeoutMs: 2000, worklist: true, rejectContexts: [3] });
    assert.equal(d?.find.outcome, 'not-negotiated');
    assert.equal(d?.mwl?.matches, 3);
    assert.deepEqual(o.exposure, {}, 'no study counted');
    assert.equal(isExposed(o), true);
    assert.ok(assess(o).some((x) => x.ruleId === 'EXP-DICOM-007'));
    assert.ok(!assess(o).some((x) => x.ruleId === 'EXP-DICOM-001'));
  });

  it('a value of padding only (spaces) is no attribute returned, top level and in the step alike', async () => {
    // Implicit VR Little Endian by hand, so the padding is exactly what a peer sends: tag, 4-byte length, value.
    const el = (group: number, element: number, value: Buffer): Buffer => {
      const h = Buffer.alloc(8);
      h.writeUInt16LE(group, 0);
      h.writeUInt16LE(element, 2);
      h.writeUInt32LE(value.length, 4);
      return Buffer.concat([h, value]);
    };
    const step = Buffer.concat([el(0x0008, 0x0060, Buffer.from('CT')), el(0x0040, 0x0006, Buffer.from('  '))]);
    const item = Buffer.concat([
      el(0x0010, 0x0010, Buffer.from('  ')), // PatientName: padding only
      el(0x0010, 0x0020, Buffer.from('WLID-7781 ')),
      el(0x0040, 0x0100, el(0xfffe, 0xe000, step)),
    ]);
    const padded: WorklistAnswer = (rq, ctx) => [...pendingItem(ctx, rq.messageId, item), ...done(ctx, rq.messageId)];
    const { d } = await probeArchive('127.0.112.10', withWorklist(padded), { ioTimeoutMs: 2000, worklist: true });
    assert.equal(d?.mwl?.matches, 1);
    assert.deepEqual(d?.mwl?.modalities, ['CT']);
    assert.deepEqual(
      (d?.mwl?.inventory?.attributes ?? []).map((a) => [a.keyword, a.present]),
      [['PatientID', 1]],
      'PatientName and ScheduledPerformingPhysicianName came back blank',
    );
  });

  it('an archive without a worklist: the context rejected, not-negotiated, no finding', async () => {
    const { o, d, types } = await probeArchive(HOST, correct, { ioTimeoutMs: 2000 });
    assert.deepEqual(d?.mwl, { outcome: 'not-negotiated', matches: 0, capped: false, modalities: [] });
    assert.ok(d?.peer?.rejectedContexts.some((c) => c.abstractSyntax === UID.modalityWorklistFind && c.result === 3));
    assert.equal(types.filter((t) => t === 'C-FIND-RQ').length, 1);
    assert.ok(!assess(o).some((x) => x.ruleId === 'EXP-DICOM-007'));
  });

  it('an empty worklist: success, nothing counted, no finding', async () => {
    const { o, d } = await probeArchive(HOST, withWorklist((rq, ctx) => done(ctx, rq.messageId)), { ioTimeoutMs: 2000, worklist: true });
    assert.equal(d?.mwl?.outcome, 'success');
    assert.equal(d?.mwl?.matches, 0);
    assert.deepEqual(d?.mwl?.patients, { n: 0, atLeast: false });
    assert.ok(!assess(o).some((x) => x.ruleId === 'EXP-DICOM-007'));
  });

  it('a worklist that refuses the caller (A801): refused, no finding', async () => {
    const refusing: WorklistAnswer = (rq, ctx) => reply(ctx, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: rq.messageId, status: Status.NotAuthorized });
    const { o, d } = await probeArchive(HOST, withWorklist(refusing), { ioTimeoutMs: 2000, worklist: true });
    assert.equal(d?.mwl?.outcome, 'refused');
    assert.equal(o.status, 'success');
    assert.ok(!assess(o).some((x) => x.ruleId === 'EXP-DICOM-007'));
  });
});

/** Sends a worklist item every 20 ms until the connection closes, our C-CANCEL ignored. */
function endless(socket: net.Socket, ctx: number, messageId: number): void {
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    for (const pdu of pendingItem(ctx, messageId, worklistItem(ENTRIES[1]!))) socket.write(encodePdu(pdu));
  }, 20);
  socket.once('close', () => clearInterval(timer));
}

describe('DICOM probe: hostile worklists', () => {
  it('stops at the record cap with C-CANCEL and cuts a worklist that never ends, its items counted as lower bounds', async () => {
    const never: WorklistAnswer = (rq, ctx, socket) => {
      endless(socket, ctx, rq.messageId);
      return pendingItem(ctx, rq.messageId, worklistItem(ENTRIES[0]!));
    };
    const started = performance.now();
    const { o, d, types } = await probeArchive(HOST, withWorklist(never), { ioTimeoutMs: 5000, maxRecords: 4, worklist: true });
    const ms = performance.now() - started;
    assert.ok(ms < 3000, `took ${ms.toFixed(0)} ms`);
    assert.equal(o.status, 'success', 'the association and the archive query stand');
    assert.equal(d?.mwl?.matches, 4);
    assert.equal(d?.mwl?.capped, true);
    assert.equal(d?.mwl?.outcome, 'timeout');
    assert.deepEqual(d?.mwl?.patients, { n: 2, atLeast: true });
    assert.equal(o.error?.phase, 'mwl-find');
    assert.ok(types.includes('C-CANCEL-RQ'));
    assert.equal(types.at(-1), 'A-ABORT');
    assert.match(assess(o).find((x) => x.ruleId === 'EXP-DICOM-007')?.evidence ?? '', /at least 4 scheduled procedure steps of at least 2 patients/);
    assert.deepEqual(o.exposure.studies, { n: 2, atLeast: false });
    noPlantedValue(o);
  });

  it('a worklist that never answers: timeout within the I/O limit, nothing counted, the archive counts kept', async () => {
    const { o, d, ms } = await probeArchive(HOST, withWorklist(() => []), { ioTimeoutMs: 400, worklist: true });
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
    assert.equal(o.status, 'success');
    assert.equal(d?.mwl?.outcome, 'timeout');
    assert.equal(d?.mwl?.matches, 0);
    assert.equal(o.error?.phase, 'mwl-find');
    assert.deepEqual(o.exposure.studies, { n: 2, atLeast: false });
    assert.ok(!assess(o).some((x) => x.ruleId === 'EXP-DICOM-007'));
  });

  for (const [what, step, code] of [
    ['an item whose element overruns it', undefined, /value length of \(0008,0060\)/],
    ['a sequence holding a bare element where an item belongs', 'bare', /unexpected-tag-in-sequence/],
  ] as const) {
    it(`${what}: protocol error, the association aborted, the items before it counted`, async () => {
      const broken = (): Buffer => {
        if (step === 'bare') {
          // (0040,0100) of 8 bytes holding (0008,0060), empty, where an item belongs.
          return Buffer.concat([encodeDataset([{ tag: 0x00100020, vr: 'LO', value: 'WLID-7781' }], UID.implicitVrLittleEndian), Buffer.from('40000001080000000800600000000000', 'hex')]);
        }
        // Implicit VR (0040,0100) of 20 bytes: one item of 12, whose Modality declares 64 bytes.
        return Buffer.from('4000000114000000' + 'feff00e00c000000' + '080060004000000043542020', 'hex');
      };
      const answer: WorklistAnswer = (rq, ctx) => [...pendingItem(ctx, rq.messageId, worklistItem(ENTRIES[1]!)), ...pendingItem(ctx, rq.messageId, broken()), ...done(ctx, rq.messageId)];
      const { o, d, abort } = await probeArchive(HOST, withWorklist(answer), { ioTimeoutMs: 2000, worklist: true });
      assert.equal(o.status, 'protocol-error');
      assert.equal(o.error?.code, 'MALFORMED_IDENTIFIER');
      assert.equal(o.error?.phase, 'mwl-find');
      assert.match(o.error?.message ?? '', code);
      assert.match(o.error?.message ?? '', /^a worklist C-FIND identifier could not be walked/);
      assert.equal(d?.mwl?.outcome, 'protocol-error');
      assert.equal(d?.mwl?.matches, 2, 'both pending responses counted');
      assert.equal(d?.mwl?.inventory?.records, 1, 'only the readable item inventoried');
      assert.deepEqual(d?.mwl?.patients, { n: 1, atLeast: true });
      assert.ok(abort, 'the association was aborted');
      noPlantedValue(o);
    });
  }
});

// Keeps the values helper honest: the planted text is what the peer sent.
it('the scripted worklist item holds its planted values (the test can see what it must not find)', () => {
  const buf = worklistItem(ENTRIES[0]!);
  const walked = listElements(buf, UID.implicitVrLittleEndian);
  assert.ok(walked.ok);
  assert.equal(readString(buf, walked.elements.find((e) => e.tag === 0x00100010)!), 'WLTESTNAME^ALPHA');
});
