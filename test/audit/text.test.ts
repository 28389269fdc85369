import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_AUDIT_LIMITS } from '../../src/audit/limits.ts';
import { configText, nameText, positionOf } from '../../src/audit/text.ts';

const small = { ...DEFAULT_AUDIT_LIMITS, maxFileBytes: 64, maxLineChars: 10 };

describe('configText', () => {
  it('splits lines and maps offsets to 1-based lines and columns', () => {
    const r = configText(Buffer.from('ab\ncd\r\n\nefg'), DEFAULT_AUDIT_LIMITS);
    assert.ok(r.ok);
    assert.deepEqual(r.value.lineStarts, [0, 3, 7, 8]);
    assert.deepEqual(positionOf(r.value, 0), { line: 1, column: 1 });
    assert.deepEqual(positionOf(r.value, 4), { line: 2, column: 2 });
    assert.deepEqual(positionOf(r.value, 10), { line: 4, column: 3 });
  });

  it('refuses a file over the size cap, saying how big it is', () => {
    const r = configText(Buffer.alloc(65, 0x61), small);
    assert.deepEqual(r, { ok: false, problem: 'is 65 bytes, more than the 64 bytes a configuration file may have' });
  });

  it('refuses binary content (a NUL byte) and text that is not UTF-8', () => {
    assert.deepEqual(configText(Buffer.from('key=1\0rest'), small), { ok: false, problem: 'holds a NUL byte at offset 5: it is binary, not a configuration file' });
    assert.deepEqual(configText(Buffer.from([0x6b, 0xff, 0xfe]), small), { ok: false, problem: 'is not UTF-8 text' });
  });

  it('refuses a line longer than the cap, naming the line', () => {
    assert.deepEqual(configText(Buffer.from('short\n01234567890\n'), small), { ok: false, problem: 'line 2 is longer than 10 characters' });
  });
});

describe('nameText', () => {
  it('keeps printable ASCII, masks the rest and caps the length', () => {
    assert.equal(nameText('guest ok'), 'guest ok');
    assert.equal(nameText('a\tb'), 'a?b');
    assert.equal(nameText('\u001b[31mred'), '?[31mred');
    assert.equal(nameText('x'.repeat(50)), `${'x'.repeat(40)}…`);
  });
});
