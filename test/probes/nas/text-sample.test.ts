import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TEXT_READ, type TextReadLimits } from '../../../src/probes/nas/limits.ts';
import { TEXT_CANDIDATES, TextSample, textCandidate } from '../../../src/probes/nas/text-sample.ts';

const limits: TextReadLimits = { maxFiles: 3, maxBytes: 4096, maxPerFolder: 2, maxFileSize: 10_000 };

describe('text sample: which files are read for content', () => {
  it('takes notes and configs by name, nothing else', () => {
    for (const name of ['config.json', 'CONFIG.JSON', 'Info.hta', 'index.html', 'page.htm', 'LEEME-AHORA.txt']) assert.ok(textCandidate(name), name);
    for (const name of ['IM0001.dcm', 'viewer-settings.json', 'config.json.bak', 'report.pdf', 'notes.txt.7z', 'README']) assert.equal(textCandidate(name), undefined, name);
    assert.ok(TEXT_CANDIDATES.every((c) => c.source.length > 20 && /^[a-z0-9-]+$/.test(c.id)));
  });

  it('keeps at most maxFiles, at most maxPerFolder from one folder, and skips empty and large files', () => {
    const s = new TextSample(limits);
    for (let i = 0; i < 10; i++) s.offer(['reports'], `r${i}.txt`, 500);
    s.offer([], 'empty.txt', 0);
    s.offer([], 'huge.txt', 10_001);
    s.offer(['a'], 'a.txt', 10);
    s.offer(['b'], 'b.txt', 10);
    assert.deepEqual(s.chosen(), [['reports', 'r0.txt'], ['reports', 'r1.txt'], ['a', 'a.txt']]);
  });

  it('a likelier kind met later displaces the last-met of the least likely kind, and is read first', () => {
    const s = new TextSample(limits);
    s.offer([], 'one.txt', 10);
    s.offer([], 'two.txt', 10);
    s.offer(['x'], 'three.txt', 10);
    s.offer(['deep', 'tools'], 'config.json', 900);
    s.offer(['web'], 'Info.hta', 900);
    s.offer(['web2'], 'four.txt', 10); // no better than what is kept: not taken
    assert.deepEqual(s.chosen(), [['deep', 'tools', 'config.json'], ['web', 'Info.hta'], ['one.txt']]);
  });

  it('a folder whose file was displaced may offer again', () => {
    const s = new TextSample({ ...limits, maxFiles: 1, maxPerFolder: 1 });
    s.offer(['f'], 'a.txt', 10);
    s.offer(['g'], 'config.json', 10);
    s.offer(['f'], 'index.html', 10);
    assert.deepEqual(s.chosen(), [['g', 'config.json']]);
  });

  it('reads nothing when the limit is zero; the defaults are small', () => {
    const s = new TextSample({ ...limits, maxFiles: 0 });
    s.offer([], 'config.json', 10);
    assert.deepEqual(s.chosen(), []);
    assert.ok(TEXT_READ.maxFiles <= 16 && TEXT_READ.maxBytes <= 8192 && TEXT_READ.maxPerFolder <= TEXT_READ.maxFiles);
  });
});
