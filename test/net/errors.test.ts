import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toNetError } from '../../src/net/errors.ts';

test('an unknown error becomes a code and a class name, never the text it carried', () => {
  const e = toNetError(new TypeError('unexpected token in "DOE^JOHN 19470312"'));
  assert.equal(e.code, 'other');
  assert.equal(e.message, 'other (TypeError)');
  assert.equal(toNetError('DOE^JOHN').message, 'other (string)');
});
