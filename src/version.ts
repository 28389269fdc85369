/**
 * Exposure's version, from package.json and nowhere else: the CLI's --version,
 * the scanner's user agent (which reports read back from each run) and the DICOM
 * implementation version name all derive from it.
 */
import { readFileSync } from 'node:fs';

// Read, not imported: the file sits one folder above both src/ and the compiled dist/.
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export const VERSION: string = pkg.version;

/**
 * PS3.7 D.3.3.2.3: the Implementation Version Name is 1 to 16 characters of the
 * default repertoire; "0.1.0" gives "EXPOSURE_010".
 */
export const IMPLEMENTATION_VERSION_NAME = `EXPOSURE_${VERSION.replace(/[^0-9A-Za-z]/g, '')}`.slice(0, 16);
