import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { z } from 'zod';
import { Observation } from '../../src/observation/observation.ts';
import { conformsExactly, sameJsonValue } from '../../src/store/conforms.ts';
import { StoreError } from '../../src/store/index.ts';
import { SQLITE } from './engines.ts';
import { EVERY_OBSERVATION } from './every-observation.ts';
import { EXPOSED, fixedClock, RUN_META } from './fixtures.ts';

const isObservation = conformsExactly(Observation);

/** A deep copy through JSON: what a store row becomes once parsed. */
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('conformsExactly', () => {
  test('says yes to values zod returns unchanged, no to values it would change or refuse', () => {
    const schema = z.object({
      id: z.string().regex(/^[a-z]+$/).min(2).max(5),
      n: z.number().int().min(1).max(10),
      ratio: z.number().positive().optional(),
      kind: z.enum(['a', 'b']),
      tags: z.array(z.literal('x')).max(2),
      name: z.string().transform((s) => s.trim()),
    });
    const check = conformsExactly(schema);
    const good = { id: 'abc', n: 3, kind: 'a', tags: ['x'], name: 'pacs' };
    assert.equal(check(good), true);
    assert.equal(check({ ...good, ratio: 0.5 }), true);
    for (const [why, bad] of [
      ['an unknown key zod would strip', { ...good, extra: 1 }],
      ['a key set to undefined that zod would keep', { ...good, ratio: undefined }],
      ['a missing required key', { id: 'abc', n: 3, kind: 'a', tags: [] }],
      ['a regex failure', { ...good, id: 'ABC' }],
      ['a string too long', { ...good, id: 'abcdef' }],
      ['a fraction where an integer is due', { ...good, n: 2.5 }],
      ['a number below its minimum', { ...good, n: 0 }],
      ['NaN', { ...good, n: Number.NaN }],
      ['zero where positive is due', { ...good, ratio: 0 }],
      ['a value outside the enum', { ...good, kind: 'c' }],
      ['a number where a string is due', { ...good, id: 12 }],
      ['an array too long', { ...good, tags: ['x', 'x', 'x'] }],
      ['a transform that changes the value', { ...good, name: ' pacs ' }],
      ['an array where an object is due', [good]],
      ['null', null],
    ] as const) {
      assert.equal(check(bad), false, why);
    }
  });

  test('follows strict and passthrough objects, and the discriminator of a union', () => {
    const strict = conformsExactly(z.object({ a: z.number() }).strict());
    const loose = conformsExactly(z.object({ a: z.number() }).passthrough());
    assert.equal(strict({ a: 1 }), true);
    assert.equal(strict({ a: 1, b: 2 }), false);
    assert.equal(loose({ a: 1, b: 2 }), true);
    const union = conformsExactly(z.discriminatedUnion('t', [z.object({ t: z.literal('x'), n: z.number() }), z.object({ t: z.literal('y'), s: z.string() })]));
    assert.equal(union({ t: 'x', n: 1 }), true);
    assert.equal(union({ t: 'y', s: 's' }), true);
    assert.equal(union({ t: 'y', n: 1 }), false);
    assert.equal(union({ t: 'z' }), false);
  });

  test('leaves to zod what it does not mirror: defaults, refinements, plain unions, checks that rewrite a string', () => {
    for (const schema of [
      z.number().default(1),
      z.number().refine((n) => n > 0),
      z.union([z.number(), z.string()]),
      z.string().trim(),
      z.string().email(),
      z.record(z.number()),
    ]) {
      assert.equal(conformsExactly(schema)(1), false);
      assert.equal(conformsExactly(schema)('a@b.test'), false);
    }
  });

  test('every observation fixture, as the schema returns it, conforms and is what zod returns for it', () => {
    for (const o of EVERY_OBSERVATION) {
      const parsed = copy(Observation.parse(o));
      assert.equal(isObservation(parsed), true, `${o.protocol} on ${o.endpoint.ip}`);
      assert.deepEqual(Observation.parse(parsed), parsed);
    }
  });

  test('an observation a peer could have written uncleaned, or a modality that is no term, is left to zod', () => {
    const withPeer = copy(Observation.parse(EXPOSED));
    assert.equal(isObservation(withPeer), true);
    const dirty = copy(withPeer);
    if (dirty.details?.protocol !== 'dicom' || !dirty.details.peer) throw new Error('fixture: EXPOSED has a DICOM peer');
    dirty.details.peer.respondingAeTitle = 'ORTH\u001b[2JANC';
    assert.equal(isObservation(dirty), false);
    const modalities = copy(Observation.parse(EXPOSED));
    if (modalities.details?.protocol !== 'dicom') throw new Error('fixture: EXPOSED is DICOM');
    modalities.details.find.modalities = ['CT', 'Dr. Smith'];
    assert.equal(isObservation(modalities), false, 'a value that is no term is only counted by the schema');
  });

  test('whatever a hand edit does to a stored observation, a yes means zod accepts it and returns it unchanged', () => {
    const samples = EVERY_OBSERVATION.map((o) => copy(Observation.parse(o)));
    const edit = fc.record({
      sample: fc.nat({ max: samples.length - 1 }),
      pick: fc.nat(),
      how: fc.constantFrom('set', 'delete', 'add'),
      value: fc.jsonValue({ maxDepth: 2 }),
    });
    fc.assert(
      fc.property(edit, ({ sample, pick, how, value }) => {
        const o = copy(samples[sample]) as unknown as Record<string, unknown>;
        // Every object in the observation, one of which the edit lands in.
        const objects: Array<Record<string, unknown>> = [];
        const walk = (v: unknown): void => {
          if (Array.isArray(v)) v.forEach(walk);
          else if (v && typeof v === 'object') {
            objects.push(v as Record<string, unknown>);
            Object.values(v).forEach(walk);
          }
        };
        walk(o);
        const target = objects[pick % objects.length] as Record<string, unknown>;
        const keys = Object.keys(target);
        const key = how === 'add' || keys.length === 0 ? 'edited' : (keys[pick % keys.length] as string);
        if (how === 'delete') delete target[key];
        else target[key] = value;
        if (!isObservation(o)) return;
        const parsed = Observation.safeParse(o);
        assert.ok(parsed.success, 'a value the check accepts is valid');
        assert.ok(sameJsonValue(parsed.data, o), 'and zod returns it as it is');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('reading back a stored observation edited by hand (SQLite)', () => {
  test('peer text put back uncleaned is cleaned again, an unknown key dropped, and a wrong type refused naming the row', async () => {
    const t = await SQLITE.create({ now: fixedClock });
    try {
      const runId = await t.store.startRun(RUN_META);
      await t.store.recordHost(runId, { ip: EXPOSED.endpoint.ip, services: [{ observation: EXPOSED, findings: [] }] });
      const edit = new Database(t.db);
      try {
        edit.prepare(`UPDATE observations SET json = json_set(json, '$.details.peer.respondingAeTitle', ?, '$.details.note', 'hi')`).run('ORTH\u001b[2JANC');
      } finally {
        edit.close();
      }
      const [row] = await t.store.services(runId);
      const details = row?.observation.details;
      assert.equal(details?.protocol === 'dicom' ? details.peer?.respondingAeTitle : undefined, 'ORTH?[2JANC');
      assert.equal(details && 'note' in details, false);

      const broken = new Database(t.db);
      try {
        broken.prepare(`UPDATE services SET duration_ms = 'slow'`).run();
      } finally {
        broken.close();
      }
      await assert.rejects(t.store.services(runId), (err: unknown) => {
        assert.ok(err instanceof StoreError);
        assert.equal(err.code, 'CORRUPT_ROW');
        assert.match(err.message, /service \d+ in run \d+/);
        assert.doesNotMatch(err.message, /slow/);
        return true;
      });
    } finally {
      await t.cleanup();
    }
  });
});
