import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMPLEMENTATION_VERSION_NAME, VERSION } from '../src/version.ts';

const ROOT = join(import.meta.dirname, '..');
const packageVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('version', () => {
  it('comes from package.json, and the DICOM implementation version name from it', () => {
    assert.equal(VERSION, packageVersion);
    assert.equal(IMPLEMENTATION_VERSION_NAME, `EXPOSURE_${packageVersion.replace(/\D/g, '')}`);
    // PS3.7 D.3.3.2.3: 1 to 16 characters.
    assert.ok(IMPLEMENTATION_VERSION_NAME.length <= 16);
  });

  it('is what exposure --version prints', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'bin', 'exposure.js'), '--version'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(out.trim(), packageVersion);
  });
});
