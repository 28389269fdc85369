/** The identifying attributes a report names: the keywords present in a record at least, none when nothing was read. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttributeInventory } from '../../src/observation/observation.ts';
import { presentKeywords } from '../../src/report/inventory.ts';

describe('the identifying attributes a report names', () => {
  it('are the keywords present in at least one record, in the inventory\'s order', () => {
    const inventory: AttributeInventory = {
      records: 4,
      attributes: [
        { keyword: 'PatientName', tag: '00100010', class: 'direct-identifier', present: 4 },
        { keyword: 'PatientID', tag: '00100020', class: 'direct-identifier', present: 0 },
        { keyword: 'PatientBirthDate', tag: '00100030', class: 'quasi-identifier', present: 1 },
      ],
    };
    assert.deepEqual(presentKeywords(inventory), ['PatientName', 'PatientBirthDate']);
  });

  it('are none without an inventory, or when no record carried one', () => {
    assert.deepEqual(presentKeywords(undefined), []);
    assert.deepEqual(presentKeywords({ records: 0, attributes: [] }), []);
    assert.deepEqual(presentKeywords({ records: 2, attributes: [{ keyword: 'PatientID', tag: '00100020', class: 'direct-identifier', present: 0 }] }), []);
  });
});
