import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonc, propertiesOf } from '../../src/audit/jsonc.ts';
import { DEFAULT_AUDIT_LIMITS } from '../../src/audit/limits.ts';
import { configText, positionOf } from '../../src/audit/text.ts';

function parse(text: string, limits = DEFAULT_AUDIT_LIMITS) {
  const t = configText(Buffer.from(text), limits);
  assert.ok(t.ok);
  return { t: t.value, r: parseJsonc(t.value, limits) };
}

describe('parseJsonc, Orthanc\'s JSON with comments', () => {
  it('reads line and block comments, a trailing comma, and gives each key its position', () => {
    const { t, r } = parse('{\n  // a line comment\n  /** a block\n   "Hidden" : true, **/\n  "DicomAet" : "ORTHANC", /* inline */\n  "Plugins" : [ "a.so", ],\n}\n');
    assert.ok(r.ok);
    const props = propertiesOf(r.value);
    assert.deepEqual([...props.keys()], ['DicomAet', 'Plugins']);
    assert.deepEqual(positionOf(t, props.get('DicomAet')!.offset), { line: 5, column: 3 });
  });

  it('keeps the last of duplicate keys, as JsonCpp does', () => {
    const { t, r } = parse('{ "A": true,\n "A": false }');
    assert.ok(r.ok);
    const a = propertiesOf(r.value).get('A')!;
    assert.equal(a.value.value, false);
    assert.equal(positionOf(t, a.offset).line, 2);
  });

  it('says where invalid JSON breaks, without echoing it', () => {
    assert.deepEqual(parse('{\n  "A": tru,\n}').r, { ok: false, problem: 'line 2, column 8: invalid JSON (InvalidSymbol)' });
    assert.deepEqual(parse('{ "secret-value": ').r, { ok: false, problem: 'line 1, column 19: invalid JSON (ValueExpected)' });
  });

  it('refuses a top level that is not an object', () => {
    assert.match((parse('[1, 2]').r as { problem: string }).problem, /is not a JSON object/);
  });

  it('refuses nesting deeper than 64 levels before building a tree (100,000 levels: no stack overflow)', () => {
    assert.deepEqual(parse(`{"a":\n${'[\n'.repeat(100_000)}`).r, { ok: false, problem: 'line 65, column 1: nests deeper than 64 levels' });
    assert.ok(parse(`{"a":${'['.repeat(63)}${']'.repeat(63)}}`).r.ok, '64 levels are fine');
  });

  it('refuses more values than the entry cap', () => {
    const limits = { ...DEFAULT_AUDIT_LIMITS, maxEntries: 100 };
    const body = Array.from({ length: 60 }, (_, i) => `"k${i}": ${i}`).join(',');
    assert.deepEqual(parse(`{${body}}`, limits).r, { ok: false, problem: 'holds more than 100 JSON values' });
  });
});
