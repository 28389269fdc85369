/** vsftpd.conf read as vsftpd 3.0.3 reads it, and the options that open anonymous FTP. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { audit, ids, one, refusal, where } from './helpers.ts';

const F = '/etc/vsftpd.conf';
const run = (...lines: string[]) => audit({ [F]: `${lines.join('\n')}\n` });

describe('vsftpd.conf checks', () => {
  it('anonymous_enable absent: vsftpd 3.0.3 as built lets anonymous users in (its manual says NO)', () => {
    const r = run('listen=YES', 'ssl_enable=YES');
    assert.deepEqual(ids(r), ['EXP-NAS-001']);
    assert.equal(where(one(r, 'EXP-NAS-001')), 'absent anonymous_enable=YES (vsftpd 3.0.3 as built; its manual page says NO)');
    assert.deepEqual(one(r, 'EXP-NAS-001').dependsOnContent, { whenEmpty: 'EXP-NAS-003' });
  });

  it('anonymous_enable=NO closes everything anonymous, whatever the write options say', () => {
    assert.deepEqual(ids(run('anonymous_enable=NO', 'write_enable=YES', 'anon_upload_enable=YES')), []);
  });

  it('values in any case, YES/TRUE/1 and NO/FALSE/0, the last line winning', () => {
    assert.deepEqual(ids(run('anonymous_enable=no', 'ssl_enable=YES')), []);
    assert.deepEqual(ids(run('anonymous_enable=False', 'ssl_enable=true')), []);
    const r = run('anonymous_enable=0', 'ssl_enable=1', 'anonymous_enable=Yes');
    assert.equal(where(one(r, 'EXP-NAS-001')), '3:1 anonymous_enable');
  });

  it('anonymous writes need write_enable and one anon_* write option: EXP-NAS-004 at that option', () => {
    const r = run('anonymous_enable=YES', 'ssl_enable=YES', 'write_enable=YES', 'anon_mkdir_write_enable=YES');
    assert.equal(where(one(r, 'EXP-NAS-004')), '4:1 anon_mkdir_write_enable');
    assert.match(one(r, 'EXP-NAS-004').change, /anon_mkdir_write_enable=NO/);
    assert.deepEqual(ids(run('anonymous_enable=YES', 'ssl_enable=YES', 'anon_upload_enable=YES')), ['EXP-NAS-001'], 'write_enable defaults to NO');
    assert.deepEqual(ids(run('anonymous_enable=YES', 'ssl_enable=YES', 'write_enable=YES')), ['EXP-NAS-001'], 'local users may write; anonymous ones may not');
  });

  it('no ssl_enable: EXP-NAS-006, which the scan reports only while the tree holds images', () => {
    const f = one(run('anonymous_enable=YES'), 'EXP-NAS-006');
    assert.equal(where(f), 'absent ssl_enable=NO');
    assert.deepEqual(f.dependsOnContent, { whenEmpty: null });
  });

  it('comments, blank lines and options it does not read pass', () => {
    assert.deepEqual(ids(run('# anonymous_enable=YES', '', 'ftpd_banner=Welcome = here', 'anonymous_enable=NO')), []);
  });
});

describe('vsftpd.conf files vsftpd refuses', () => {
  it('a bad boolean, a missing value, a space around "=", a line without "="', () => {
    assert.equal(refusal(run('anonymous_enable=maybe'), F), 'line 1: anonymous_enable must be YES or NO (vsftpd refuses the file)');
    assert.equal(refusal(run('ssl_enable='), F), 'line 1: ssl_enable has no value (vsftpd refuses the file)');
    assert.equal(refusal(run('anonymous_enable = NO'), F), 'line 1: space around "anonymous_enable=": vsftpd allows none and refuses the file');
    assert.equal(refusal(run('listen=YES', 'anonymous_enable'), F), 'line 2 is not option=value (vsftpd refuses the file)');
  });

  it('a DOS line end on a boolean, which vsftpd reads as part of the value', () => {
    assert.equal(refusal(audit({ [F]: 'anonymous_enable=NO\r\n' }), F), 'line 1: anonymous_enable ends with a carriage return (a DOS line end), which vsftpd reads as part of the value and refuses');
  });
});
