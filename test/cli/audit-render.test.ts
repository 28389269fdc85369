/** `exposure audit`'s table: what came from the command line or a file is one printable line. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderAuditTable } from '../../src/cli/audit-render.ts';

describe('audit table', () => {
  it('a refused file and its problem are printed without control characters or line breaks', () => {
    const text = renderAuditTable({
      files: [{ file: 'odd\x1b[2Jname.conf', status: 'refused', problem: 'line 3: "\x1b[31mx"\nforged line' }],
      findings: [],
    });
    assert.doesNotMatch(text, /\x1b/);
    assert.match(text, /^odd\[2Jname\.conf: refused: line 3: "\[31mx" forged line$/m);
  });
});
