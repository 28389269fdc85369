/**
 * Peer text in the result schema (docs/peer-text.md): the capped printable
 * identifier, the modality vocabulary, and both on the way through the store,
 * checked down to the bytes of the database file.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { IDENTIFIER_CAP, optionalIdentifier, printableIdentifier } from '../../src/observation/peer-text.ts';
import { isModality, MODALITY_DEFINED_TERMS, MODALITY_RETIRED_TERMS, splitModalities } from '../../src/observation/modality.ts';
import { Observation } from '../../src/observation/observation.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.ts';
import { ftpObservation } from '../fixtures/nas-observations.ts';
import { ANSI, BIRTH_DATE, CONTROL, FORMULA, HOSTILE_OBSERVATIONS, hostileDicom, LONG, PERSON_NAME, SCRIPT } from '../fixtures/hostile-observations.ts';

const PRINTABLE = /^[\x20-\x7e]*$/;

/** A stored identifier: printable ASCII, trimmed, within its cap. */
function assertIdentifier(value: string | undefined, cap: number, what: string): void {
  assert.ok(value !== undefined, `${what} is kept`);
  assert.match(value, PRINTABLE, `${what} is printable ASCII`);
  assert.ok(value.length <= cap, `${what} is at most ${cap} characters, not ${value.length}`);
  assert.equal(value, value.trim(), `${what} is trimmed`);
}

describe('the capped printable identifier', () => {
  it('turns every control, escape, bidi mark and non-ASCII character into "?" and cuts at the cap', () => {
    assert.equal(printableIdentifier(ANSI, 40), '?[31mRED?[2J?]0;owned?');
    assert.equal(printableIdentifier(CONTROL, 40), 'a?b?c??d?31me?fed');
    assert.equal(printableIdentifier('  Röntgen\u200b ', 16), 'R?ntgen?');
    assert.equal(printableIdentifier(LONG, 16), 'A'.repeat(16));
    assert.equal(printableIdentifier(SCRIPT, 64), SCRIPT, 'printable markup is kept: escaping it is the renderers\' job');
    assert.equal(optionalIdentifier('   ', 16), undefined);
    assert.equal(optionalIdentifier(undefined, 16), undefined);
  });

  it('is idempotent, printable and bounded for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.integer({ min: 1, max: 80 }), (s, max) => {
        const once = printableIdentifier(s, max);
        assert.match(once, PRINTABLE);
        assert.ok(once.length <= max);
        assert.equal(printableIdentifier(once, max), once);
      }),
    );
  });
});

describe('the modality vocabulary (PS3.3 C.7.3.1.1.1)', () => {
  it('holds the 79 defined and 18 retired terms, each once', () => {
    assert.equal(MODALITY_DEFINED_TERMS.length, 79);
    assert.equal(MODALITY_RETIRED_TERMS.length, 18);
    const all = [...MODALITY_DEFINED_TERMS, ...MODALITY_RETIRED_TERMS];
    assert.equal(new Set(all).size, all.length);
    for (const t of all) assert.match(t, /^[A-Z0-9]{2,10}$/);
  });

  it('matches exactly: shape alone (a date, a name, lower case, padding) is not a term', () => {
    for (const t of ['CT', 'MR', 'RTSTRUCT', 'M3D', 'ST']) assert.ok(isModality(t), t);
    for (const t of [BIRTH_DATE, PERSON_NAME, 'ct', ' CT', 'CT ', 'CTX', 'SC', '', SCRIPT]) assert.ok(!isModality(t), JSON.stringify(t));
    assert.deepEqual(splitModalities(['CT', BIRTH_DATE, 'MR', PERSON_NAME]), { modalities: ['CT', 'MR'], other: 2 });
  });
});

describe('the schema cleans peer text, never refuses it', () => {
  it('keeps only defined terms and counts the rest, adding to a count the probe made', () => {
    const parsed = Observation.parse(hostileDicom);
    const d = parsed.details?.protocol === 'dicom' ? parsed.details : undefined;
    assert.deepEqual(d?.find.modalities, ['CT', 'MR']);
    assert.equal(d?.find.otherModalities, 3);
    const counted = { ...hostileDicom, details: { ...d!, find: { ...d!.find, modalities: ['CT', BIRTH_DATE], otherModalities: 4 } } };
    const again = Observation.parse(counted).details;
    assert.equal(again?.protocol === 'dicom' && again.find.otherModalities, 5);
    const clean = Observation.parse({ ...hostileDicom, details: { ...d!, find: { ...d!.find, modalities: ['CT'], otherModalities: 0 } } }).details;
    assert.ok(clean?.protocol === 'dicom' && !('otherModalities' in clean.find), 'no count when nothing was other');
  });

  it('drops the FTP greeting an older row may still carry', () => {
    const old = ftpObservation({}) as Observation & { details: Record<string, unknown> };
    const parsed = Observation.parse({ ...old, details: { ...old.details, banner: `220 ${SCRIPT}` } });
    assert.ok(parsed.details && !('banner' in parsed.details));
  });
});

describe('hostile peer text through the store', () => {
  let dir: string;
  let store: SqliteStore;
  let stored: Observation[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'exposure-peer-text-'));
    store = openSqliteStore(join(dir, 'peer-text.db'));
    const run = await store.startRun({ targets: ['192.0.2.48/29'], ports: [104, 445, 8042], options: {}, scanner: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'x' } });
    for (const o of HOSTILE_OBSERVATIONS) await store.recordHost(run, { ip: o.endpoint.ip, services: [{ observation: o, findings: [] }] });
    stored = (await store.services(run)).map((s) => s.observation);
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const byProtocol = (p: Observation['protocol']): Observation => stored.find((o) => o.protocol === p)!;

  it('accepts every observation (a peer never makes a write fail) and stores DICOM identifiers capped', () => {
    assert.equal(stored.length, HOSTILE_OBSERVATIONS.length);
    const o = byProtocol('dicom');
    const d = o.details?.protocol === 'dicom' ? o.details : undefined;
    assertIdentifier(d?.peer?.implementationClassUid, IDENTIFIER_CAP.uid, 'implementation class UID');
    assertIdentifier(d?.peer?.implementationVersionName, IDENTIFIER_CAP.implementationVersionName, 'implementation version name');
    assertIdentifier(d?.peer?.respondingAeTitle, IDENTIFIER_CAP.aeTitle, 'responding AE title');
    assertIdentifier(d?.peer?.acceptedContexts[0]?.transferSyntax, IDENTIFIER_CAP.uid, 'accepted transfer syntax');
    assertIdentifier(o.product?.name, IDENTIFIER_CAP.productName, 'product name');
    assertIdentifier(o.product?.version, IDENTIFIER_CAP.productVersion, 'product version');
    assertIdentifier(o.product?.basis, IDENTIFIER_CAP.productBasis, 'product basis');
    assert.deepEqual(d?.find.modalities, ['CT', 'MR']);
    assert.equal(d?.find.otherModalities, 3);
  });

  it('stores TLS, realm and Orthanc identifiers capped', () => {
    const o = byProtocol('orthanc');
    const c = o.tlsInfo?.certificate;
    assertIdentifier(o.tlsInfo?.version, IDENTIFIER_CAP.shortFact, 'TLS version');
    assertIdentifier(c?.subject, IDENTIFIER_CAP.certificateName, 'certificate subject');
    assertIdentifier(c?.issuer, IDENTIFIER_CAP.certificateName, 'certificate issuer');
    assertIdentifier(c?.validFrom, IDENTIFIER_CAP.shortFact, 'validity');
    assertIdentifier(c?.keyType, IDENTIFIER_CAP.shortFact, 'key type');
    const d = o.details?.protocol === 'orthanc' ? o.details : undefined;
    assertIdentifier(d?.login.realm, IDENTIFIER_CAP.realm, 'realm');
    assertIdentifier(d?.system?.version, IDENTIFIER_CAP.productVersion, 'Orthanc version');
    assertIdentifier(d?.system?.dicomAet, IDENTIFIER_CAP.aeTitle, 'Orthanc DICOM AE title');
    assert.ok(d?.login.realm?.startsWith(FORMULA), 'a formula is printable: neutralising it is the CSV renderer\'s job');
  });

  it('stores SMB names and share names capped', () => {
    const o = byProtocol('smb');
    const d = o.details?.protocol === 'smb' ? o.details : undefined;
    assertIdentifier(d?.netbiosComputerName, IDENTIFIER_CAP.netbiosName, 'NetBIOS computer name');
    assertIdentifier(d?.netbiosDomainName, IDENTIFIER_CAP.netbiosName, 'NetBIOS domain name');
    assertIdentifier(d?.dnsComputerName, IDENTIFIER_CAP.dnsName, 'DNS computer name');
    assertIdentifier(d?.dialect, IDENTIFIER_CAP.shortFact, 'dialect');
    assertIdentifier(d?.osVersion, IDENTIFIER_CAP.shortFact, 'OS version');
    assert.equal(d?.shares.length, 2);
    for (const s of d?.shares ?? []) assertIdentifier(s.name, IDENTIFIER_CAP.shareName, 'share name');
  });

  it('stores QIDO-RS roots and the login user capped', () => {
    const o = byProtocol('dicomweb');
    const d = o.details?.protocol === 'dicomweb' ? o.details : undefined;
    assertIdentifier(d?.roots[0]?.root, IDENTIFIER_CAP.webRoot, 'root tried');
    assertIdentifier(d?.root, IDENTIFIER_CAP.webRoot, 'root that answered');
    assertIdentifier(d?.login.defaultUser, IDENTIFIER_CAP.shortFact, 'default user');
  });

  it('leaves no trace of a non-term modality, a control character or an uncapped string in the database files', () => {
    const bytes = readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString('utf8')).join('\n');
    assert.ok(bytes.includes('"modalities":["CT","MR"]'), 'the observation JSON was read');
    // The longest cap a LONG field of the fixtures meets is a certificate name's (200).
    for (const token of [BIRTH_DATE, PERSON_NAME, 'A'.repeat(IDENTIFIER_CAP.certificateName + 1), '\u001b[31m', '\u202e', '\u009b31m']) {
      assert.ok(!bytes.includes(token), `${JSON.stringify(token.slice(0, 20))} is not in the database`);
    }
  });
});
