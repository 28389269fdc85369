import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SET_B, writeStudySet } from '../../../src/lab/canary.ts';
import { classifyName } from '../../../src/probes/nas/dicom-names.ts';
import { matchIndicator, NAME_INDICATORS } from '../../../src/probes/nas/indicators.ts';
import { enoughOfHeader, hasDicmMarker, readHeaderFacts } from '../../../src/probes/nas/part10-header.ts';
import { DEFAULT_MAX_ELEMENTS } from '../../../src/protocols/dicom/dataset/walk.ts';

let root: string;
let file: Buffer;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'exposure-part10-'));
  const set = await writeStudySet(SET_B, root);
  file = await readFile(set.files[0]!);
});
after(() => rm(root, { recursive: true, force: true }));

describe('Part-10 header', () => {
  it('stops before Pixel Data: the bytes kept end at its element header', () => {
    const keep = enoughOfHeader(file);
    assert.ok(keep !== undefined && keep < file.length);
    assert.equal(file.readUInt16LE(keep), 0x7fe0);
    assert.equal(file.readUInt16LE(keep + 2), 0x0010);
  });

  it('reads elements, identifying tags, PatientID and study UID from the header only', () => {
    const head = file.subarray(0, enoughOfHeader(file)!);
    const f = readHeaderFacts(head);
    assert.ok(f.marker && f.complete);
    assert.equal(f.transferSyntax, '1.2.840.10008.1.2.1');
    assert.ok(f.elementCount > 40);
    assert.ok(f.nonEmptyTags.includes('00100010') && f.nonEmptyTags.includes('00100030'));
    assert.ok(!f.nonEmptyTags.includes('7FE00010'));
    assert.ok(f.patientId && f.studyInstanceUid?.startsWith('2.25.'));
  });

  it('asks for more bytes until Pixel Data is reached, and stops at 132 for a non-DICOM file', () => {
    assert.equal(enoughOfHeader(file.subarray(0, 100)), undefined);
    assert.equal(enoughOfHeader(file.subarray(0, 400)), undefined);
    const text = Buffer.from('x'.repeat(300));
    assert.equal(enoughOfHeader(text), 132);
    assert.ok(!hasDicmMarker(text));
    assert.equal(readHeaderFacts(text).marker, false);
  });

  it('a header cut by the byte cap still counts what it holds, marked incomplete', () => {
    const f = readHeaderFacts(file.subarray(0, 600));
    assert.ok(f.marker && !f.complete);
    assert.ok(f.elementCount > 0);
  });

  it('never throws on arbitrary bytes after a DICM marker', () => {
    const preamble = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM')]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const b = Buffer.concat([preamble, Buffer.from(bytes)]);
        enoughOfHeader(b);
        readHeaderFacts(b);
      }),
      { numRuns: 1000 },
    );
    fc.assert(fc.property(fc.integer({ min: 0, max: 2000 }), (n) => void readHeaderFacts(file.subarray(0, n))));
  });
});

describe('Part-10 header bounds', () => {
  /** Preamble, "DICM", a meta group naming Explicit VR Little Endian, then `n` empty private LO elements. */
  function header(n: number): Buffer {
    const meta = Buffer.alloc(8 + 20);
    meta.writeUInt16LE(0x0002, 0);
    meta.writeUInt16LE(0x0010, 2);
    meta.write('UI', 4, 'latin1');
    meta.writeUInt16LE(20, 6);
    meta.write('1.2.840.10008.1.2.1\0', 8, 'latin1');
    const elements = Buffer.alloc(n * 8);
    for (let i = 0; i < n; i++) {
      elements.writeUInt16LE(0x0009, i * 8);
      elements.writeUInt16LE(0x0010 + i, i * 8 + 2);
      elements.write('LO', i * 8 + 4, 'latin1');
    }
    return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), meta, elements]);
  }

  it('a header of more elements than the walker lists yields the bound, marked incomplete: a file, not a protocol, so no error', () => {
    const f = readHeaderFacts(header(DEFAULT_MAX_ELEMENTS + 500));
    assert.ok(f.marker);
    assert.equal(f.elementCount, DEFAULT_MAX_ELEMENTS);
    assert.equal(f.complete, false);
    assert.equal(enoughOfHeader(header(DEFAULT_MAX_ELEMENTS + 500)), undefined, 'no Pixel Data seen: the reader goes on to its byte cap, never further');
    assert.equal(readHeaderFacts(header(20)).complete, true);
  });
});

describe('names', () => {
  it('recognises DICOM by name, leaves unknown names to the marker, rules out decoys', () => {
    assert.equal(classifyName('CT1_0001.dcm'), 'dicom-name');
    assert.equal(classifyName('DICOMDIR'), 'dicomdir');
    assert.equal(classifyName('IM000012'), 'dicom-name');
    assert.equal(classifyName('1.2.840.113619.2.55.3.1234'), 'dicom-name');
    assert.equal(classifyName('IMCT1_0002'), 'maybe');
    assert.equal(classifyName('README'), 'maybe');
    assert.equal(classifyName('notes.txt'), 'not-dicom');
  });

  it('indicators: every entry has a source; config.json only in a miner folder', () => {
    for (const i of NAME_INDICATORS) assert.ok(i.source.length > 10, i.id);
    assert.equal(new Set(NAME_INDICATORS.map((i) => i.id)).size, NAME_INDICATORS.length);
    assert.equal(matchIndicator('config.json', 'xmrig-6.21.0')?.id, 'xmrig-config');
    assert.equal(matchIndicator('config.json', 'exports'), undefined);
    assert.equal(matchIndicator('xmrig', 'bin')?.kind, 'miner');
    assert.equal(matchIndicator('README_FOR_DECRYPT.txt', '')?.kind, 'ransom-note');
    assert.equal(matchIndicator('photo.jpg.deadbolt', '')?.kind, 'ransom-extension');
    assert.equal(matchIndicator('c99.php', 'www')?.kind, 'web-shell');
    assert.equal(matchIndicator('CT1_0001.dcm', 'study1'), undefined);
  });
});
