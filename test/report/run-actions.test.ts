/**
 * The letter's "What was done", from a run's recorded parameters: read with
 * the report's own schema (kept in step with scan/run-parameters.ts here),
 * one line per action the run took, and what it did not do.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordParameters } from '../../src/scan/run-parameters.ts';
import { actionLines, runActions } from '../../src/report/run-actions.ts';
import { DEFAULT_FILE_WALK, TEXT_READ } from '../../src/probes/nas/limits.ts';
import { MAX_MODULES_WALKED } from '../../src/probes/rsync/index.ts';
import { requested } from '../scan/parameters.ts';

const RUN = { ports: [21, 104, 445, 8042], scanner: { callingAeTitle: 'EXPOSURE' } };

function lines(overrides: Parameters<typeof requested>[0]): string[] {
  return actionLines(runActions({ parameters: recordParameters(requested(overrides)) }), RUN);
}

describe("a run's actions", () => {
  it('are read from the parameters a scan records, every probe when it named none', () => {
    const a = runActions({ parameters: recordParameters(requested({ dicom: { aeTitles: ['PACS1'], guessList: false } })) });
    assert.deepEqual(a, {
      probes: ['dicom', 'dicom-tls', 'dicomweb', 'orthanc', 'portal', 'ftp', 'smb', 'rsync', 'nfs'],
      checkLogins: false,
      aeTitles: ['PACS1'],
      aeGuessList: false,
      maxRecords: 5000,
      fileWalk: {
        maxDepth: DEFAULT_FILE_WALK.maxDepth,
        maxDirectories: DEFAULT_FILE_WALK.maxDirectories,
        maxEntries: DEFAULT_FILE_WALK.maxEntries,
        maxHeaderSamples: DEFAULT_FILE_WALK.maxHeaderSamples,
        maxHeaderBytes: DEFAULT_FILE_WALK.maxHeaderBytes,
        walkTimeMs: DEFAULT_FILE_WALK.walkTimeMs,
      },
      checkWrite: false,
      contentRead: { maxFiles: TEXT_READ.maxFiles, maxBytes: TEXT_READ.maxBytes },
    });
    assert.deepEqual(runActions({ parameters: recordParameters(requested({ probes: ['smb', 'dicom'] })) })?.probes, ['dicom', 'smb']);
  });

  it('are unknown for a run that recorded none, or something else under the key', () => {
    assert.equal(runActions({ maxRecords: 5000 }), undefined);
    assert.equal(runActions({ parameters: { version: 99 } }), undefined);
  });
});

describe('what was done, as the letter says it', () => {
  it('without --check-logins: the DICOM steps with the record cap, the anonymous and guest sessions, the walk caps, no login tried, nothing written', () => {
    const text = lines({ limits: { maxRecords: 250, connectTimeoutMs: 3000, ioTimeoutMs: 10_000, probeTimeoutMs: 120_000 } });
    assert.equal(text[0], 'Connected over TCP to ports 21, 104, 445, 8042 of each address in scope.');
    assert.ok(text.some((l) => /^DICOM: asked for an association \(A-ASSOCIATE-RQ\) as calling AE title EXPOSURE, .*then the titles given: ORTHANC, then a short list of products' default titles; sent C-ECHO; sent one Study Root C-FIND at study level .*stopping with C-CANCEL at 250 records; where the same association accepted Modality Worklist, sent one worklist C-FIND, counted and capped the same way; released the association\.$/.test(l)));
    assert.ok(text.includes('DICOM over TLS (PS3.15 Annex B): completed a TLS handshake and recorded the certificate without trusting it, then took the same DICOM steps inside.'));
    assert.ok(text.some((l) => l.startsWith('DICOMweb: QIDO-RS studies queries') && l.includes('at most 250 studies')));
    assert.ok(text.includes('Web logins: none tried (no --check-logins); a login was recorded, not tested.'));
    assert.ok(text.includes('FTP: read the greeting and FEAT, then tried an anonymous login, then a blank one.'));
    assert.ok(text.some((l) => l.startsWith('SMB: negotiated SMB2, opened a null session and a guest session')));
    assert.ok(text.includes('On shares that let us in: listed folders (at most 8 levels deep, 500 folders, 20,000 entries, 60 s) and read the first bytes of at most 50 files (up to 64 KiB each, stopping before pixel data) to recognise DICOM headers.'));
    assert.ok(text.includes('Nothing was written: no file was created, changed or deleted (no --check-write).'));
    assert.match(text.at(-1)!, /^No image was retrieved/);
    assert.ok(!text.some((l) => l.includes('tried a blank user name')));
  });

  it('with --check-logins and --check-write: the blank and vendor-default logins tried, the write check', () => {
    const text = lines({ checkLogins: true, fileWalk: { ...DEFAULT_FILE_WALK, checkWrite: true } });
    assert.ok(text.some((l) => l.startsWith("Web logins (--check-logins): tried a blank user name and password, then the vendors' documented default accounts")));
    assert.ok(text.some((l) => l.startsWith('Write check (--check-write): created one empty, uniquely named file')));
    assert.ok(!text.some((l) => l.startsWith('Web logins: none tried') || l.startsWith('Nothing was written')));
  });

  it('names only the probes that ran', () => {
    const text = lines({ probes: ['dicom'], dicom: { aeTitles: [], guessList: false } });
    assert.deepEqual(
      text.map((l) => l.split(':')[0]),
      ['Connected over TCP to ports 21, 104, 445, 8042 of each address in scope.', 'DICOM', 'No image was retrieved (no C-GET, C-MOVE or WADO retrieve), and no patient name, identifier, date or other value was kept'],
    );
    assert.doesNotMatch(text[1]!, /titles given|default titles/);
  });

  it('the content read, from the bounds the run recorded: a few small text files per share, in memory, only indicator ids kept', () => {
    const text = lines({});
    const content = text.filter((l) => l.startsWith('On the same shares: read in memory'));
    assert.deepEqual(content, [
      'On the same shares: read in memory the first 4 KiB of at most 8 small text files per share (notes, configuration files) and matched them against a table of miner, malware and ransom-note indicators; only the ids of the indicators found were kept, never the text or a file name.',
    ]);
    assert.ok(text.indexOf(content[0]!) === text.findIndex((l) => l.startsWith('On shares that let us in')) + 1, 'right after the walk it belongs to');
  });

  it('no content read named for a run recorded before it, nor for a run without a share probe', () => {
    const { contentRead: _, ...older } = recordParameters(requested({}));
    const olderText = actionLines(runActions({ parameters: older }), RUN);
    assert.ok(olderText.some((l) => l.startsWith('On shares that let us in')));
    assert.ok(!olderText.some((l) => l.includes('read in memory')));
    assert.ok(!lines({ probes: ['dicom', 'orthanc'] }).some((l) => l.includes('read in memory') || l.startsWith('On shares')));
  });

  it('the NFS walk: only exports open to everyone, read-only, as nobody when run as root and never as root, unmounted after', () => {
    const text = lines({ probes: ['nfs'] });
    const nfs = text.find((l) => l.startsWith('NFS: '));
    assert.ok(nfs);
    for (const words of ['mounted only the exports open to every client', 'read-only', 'nobody, uid 65534', 'never root', 'unmounted each after (UMNT)']) assert.ok(nfs.includes(words), words);
    assert.ok(text.some((l) => l.startsWith('On shares that let us in')) && text.some((l) => l.startsWith('On the same shares: read in memory')));
    assert.ok(text.includes('Nothing was written: no file was created, changed or deleted (no --check-write).'));
  });

  it('rsync alone: its module steps, the walk, the content read and nothing written', () => {
    const text = lines({ probes: ['rsync'] });
    assert.deepEqual(
      text.map((l) => l.split(':')[0]),
      ['Connected over TCP to ports 21, 104, 445, 8042 of each address in scope.', 'rsync', 'On shares that let us in', 'On the same shares', 'Nothing was written', 'No image was retrieved (no C-GET, C-MOVE or WADO retrieve), and no patient name, identifier, date or other value was kept'],
    );
    assert.match(text[1]!, /without a user name or secret/);
    assert.ok(text[1]!.includes(`each listed module, ${MAX_MODULES_WALKED} at most,`), 'as many modules as the probe asks');
  });

  it('--check-write on rsync or NFS alone: nothing written, and why', () => {
    const checked = { ...DEFAULT_FILE_WALK, checkWrite: true };
    for (const probes of [['rsync'], ['nfs'], ['rsync', 'nfs']] as const) {
      const text = lines({ probes: [...probes], fileWalk: checked });
      assert.ok(text.includes('Nothing was written: no file was created, changed or deleted (--check-write writes only on FTP and SMB shares).'), probes.join(', '));
      assert.ok(!text.some((l) => l.startsWith('Write check')));
    }
    assert.ok(lines({ probes: ['smb', 'nfs'], fileWalk: checked }).includes('Write check (--check-write): created one empty, uniquely named file on FTP and SMB shares that said they were writable, and removed it at once.'));
  });

  it('says so when the run recorded no parameters', () => {
    const text = actionLines(undefined, { ports: [104], scanner: { callingAeTitle: 'EXPOSURE' } });
    assert.equal(text[0], 'Connected over TCP to port 104 of each address in scope.');
    assert.match(text[1]!, /^This run did not record its parameters/);
  });
});
