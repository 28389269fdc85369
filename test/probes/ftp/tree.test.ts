import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseList } from 'basic-ftp';
import { parseListLeniently } from '../../../src/probes/ftp/tree.ts';

describe('FTP listings as the tree reads them', () => {
  it('an MLSD "modify" fact that is no date loses that entry, not the folder (found by fuzzing)', () => {
    const raw = 'type=file;size=10;modify=*; a.dcm\r\ntype=dir;perm=el;modify=20200101120000; scans\r\n';
    assert.throws(() => parseList(raw), RangeError);
    assert.deepEqual(parseListLeniently(parseList, raw).map((f) => f.name), ['scans']);
  });

  it('reads a sound listing whole and still refuses one in no known format', () => {
    const unix = '-rw-r--r--    1 ftp      ftp        132 Jan 01 12:00 a.dcm\r\ndrwxrwxrwx    2 ftp      ftp       4096 Jan 01  2020 scans\r\n';
    assert.deepEqual(parseListLeniently(parseList, unix).map((f) => f.name), ['a.dcm', 'scans']);
    assert.throws(() => parseListLeniently(parseList, '\u0000\u0001 not a listing'), /only supports MLSD, Unix- or DOS-style/);
  });
});
