/**
 * What a reader finds about one service, in every format that shows it: the
 * HTML cards carry the facts the Markdown has (TLS version and validity, the
 * login, the share's DICOMDIR, write access and header elements); the
 * patients sum says it is summed over servers and how many are at least
 * distinct; nouns agree with their counts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assess } from '../../src/assess/assess.ts';
import type { Observation } from '../../src/observation/observation.ts';
import { fileShareSummary } from '../../src/report/file-share.ts';
import { renderHtml } from '../../src/report/html.ts';
import { HTML_BOUNDS } from '../../src/report/html-sections.ts';
import { renderMarkdown, renderTable, summariseBounded, MARKDOWN_BOUNDS, TABLE_BOUNDS, type BoundedReport } from '../../src/report/index.ts';
import { loginUsed } from '../../src/report/web-summary.ts';
import { SQLITE, type TestStore } from '../store/engines.ts';
import { bareNfs, contentSmb, ftpObservation, openFtp, openNfs, smbObservation, walk } from '../fixtures/nas-observations.ts';
import { dicomObservation, openArchive } from '../fixtures/observations.ts';
import { dicomDetails } from '../../src/observation/observation.ts';
import { blankLoginPortal, defaultLoginOrthanc, defaultLoginQido, GOOD_CERT, lockedQido, openQido, withTls } from '../fixtures/web-observations.ts';

/** One service per host, written with its findings. */
async function storeOf(observations: Observation[]): Promise<{ t: TestStore; runId: number }> {
  const t = await SQLITE.create();
  const runId = await t.store.startRun({ targets: ['127.0.0.0/24'], ports: [21, 443], options: {}, scanner: { callingAeTitle: 'EXPOSURE', userAgent: 'Exposure/test' } });
  for (const o of observations) await t.store.recordHost(runId, { ip: o.endpoint.ip, services: [{ observation: o, findings: assess(o) }] });
  await t.store.finishRun(runId, { targetsTotal: 256, hostsDone: 256, openPorts: observations.length, excluded: 0, status: 'completed' });
  return { t, runId };
}

function card(page: string, id: string): string {
  const start = page.indexOf(`id="svc-${id}"`);
  assert.ok(start >= 0, `a card for ${id}`);
  return page.slice(start, page.indexOf('</section>', start));
}

describe('service cards of the HTML report', () => {
  let store: { t: TestStore; runId: number };
  let report: BoundedReport;
  const tlsQido = { ...withTls(openQido, GOOD_CERT), endpoint: { ip: '127.0.0.21', port: 443 } };
  const share = { ...openFtp, endpoint: { ip: '127.0.0.22', port: 21 } };
  const oneFile = ftpObservation(
    { logins: [{ method: 'anonymous', outcome: 'accepted' }], loggedInAs: 'anonymous', walk: walk({ directories: 1, files: 1, bytes: 1, dicomFiles: 1, dicomBytes: 1, dicomFolders: 1, dicomdirs: 0 }), write: { advertised: 'writable', probe: 'created-and-removed' } },
    { endpoint: { ip: '127.0.0.23', port: 21 }, exposure: { files: { n: 1, atLeast: false }, bytes: { n: 1, atLeast: false }, patients: { n: 1, atLeast: false } } },
  );

  before(async () => {
    store = await storeOf([tlsQido, share, oneFile, { ...lockedQido, endpoint: { ip: '127.0.0.24', port: 443 } }]);
    report = await summariseBounded(store.t.store, store.runId, HTML_BOUNDS);
  });
  after(() => store?.t.cleanup());

  it('a TLS service shows its version and the certificate validity', () => {
    assert.match(card(renderHtml(report), '127-0-0-21-443-dicomweb'), /<th>TLS<\/th><td>TLSv1\.3 · CN=pacs\.example · valid 2026-01-01 to 2027-01-01 · rsa 2048<\/td>/);
  });

  it('a service behind a login shows the login and its realm, and that it held', () => {
    const c = card(renderHtml(report), '127-0-0-24-443-dicomweb');
    assert.match(c, /<th>Login<\/th><td>HTTP Basic, realm &quot;Orthanc Secure Area&quot;<\/td>/);
    assert.match(c, /<th>Access<\/th><td>login required \(blank and default credentials refused, 2 attempts\)<\/td>/);
  });

  it('a share shows its DICOM files and bytes, the DICOMDIR, header elements, indicators and write access', () => {
    const c = card(renderHtml(report), '127-0-0-22-21-ftp');
    assert.match(c, /<th>DICOM files · bytes<\/th><td>10 · 18,698<\/td>/);
    assert.match(c, /<th>File share<\/th><td>FTP anonymous login accepted, no TLS<br>16 files, 19620 bytes in 13 folders, DICOM 10 files, 18698 bytes in 4 folders, 1 DICOMDIR, header elements min\/median\/max 57\/57\/59 \(11 read\), indicators xmrig-config×1 executable-in-image-folder×1<br>write: unknown<\/td>/);
  });

  it('a share of one file says "1 file, 1 byte in 1 folder", and its write check', () => {
    const c = card(renderHtml(report), '127-0-0-23-21-ftp');
    assert.match(c, /1 file, 1 byte in 1 folder, DICOM 1 file, 1 byte in 1 folder/);
    assert.match(c, /write: writable \(check: created-and-removed\)/);
  });

  it('references wrap URLs anywhere instead of breaking every word', () => {
    const page = renderHtml(report);
    assert.doesNotMatch(page, /word-break:\s*break-all/);
    assert.match(page, /\.refs a\{overflow-wrap:anywhere\}/);
  });
});

describe('the patients sum and the counts in the headline of every format', () => {
  let store: { t: TestStore; runId: number };
  before(async () => {
    // The same 3 people on two servers (QIDO-RS open, REST behind the default login), and one more on a share.
    const one = ftpObservation({ logins: [{ method: 'anonymous', outcome: 'accepted' }], loggedInAs: 'anonymous', walk: walk() }, { endpoint: { ip: '127.0.0.33', port: 21 }, exposure: { patients: { n: 1, atLeast: false }, files: { n: 1, atLeast: false } } });
    store = await storeOf([{ ...openQido, endpoint: { ip: '127.0.0.31', port: 443 } }, { ...defaultLoginOrthanc, endpoint: { ip: '127.0.0.32', port: 443 } }, one]);
  });
  after(() => store?.t.cleanup());

  it('says the patient records are summed over servers, with the distinct lower bound, in HTML, Markdown and the table', async () => {
    const html = renderHtml(await summariseBounded(store.t.store, store.runId, HTML_BOUNDS));
    assert.match(html, /<div class="n">7<\/div><div class="l">patient records reachable \(summed over servers; ≥ 3 distinct\)<\/div>/);
    assert.match(html, /Reachable: 7 patient records \(summed over servers; ≥ 3 distinct\)/);
    assert.match(html, /<th class="r">Patient records<\/th>/);
    const md = renderMarkdown(await summariseBounded(store.t.store, store.runId, MARKDOWN_BOUNDS));
    assert.match(md, /^- \*\*Exposed:\*\* patient records 7 \(summed over servers; ≥ 3 distinct\), studies/m);
    assert.match(md, /\| Exposed services \| Patient records \| Studies \| Images \|/);
    const table = renderTable(await summariseBounded(store.t.store, store.runId, TABLE_BOUNDS), { color: false, width: 160 });
    assert.match(table, /3 services, 3 exposed to anyone who asks, 1 of them only with the vendor's default password · patient records 7 \(summed over servers; ≥ 3 distinct\)/);
  });

  it('keys the distinct lower bound in the JSON totals', async () => {
    const r = await summariseBounded(store.t.store, store.runId, MARKDOWN_BOUNDS);
    assert.equal(r.totals.patients?.n, 7);
    assert.equal(r.totals.distinctPatientsAtLeast, 3);
  });

  it('a card label takes the singular for one', async () => {
    const one = await storeOf([defaultLoginOrthanc]);
    try {
      const html = renderHtml(await summariseBounded(one.t.store, one.runId, HTML_BOUNDS));
      assert.match(html, /<div class="n">1<\/div><div class="l">critical finding<\/div>/);
      assert.match(html, /<div class="n">1<\/div><div class="l">service found<\/div>/);
      assert.match(html, /1 service on 1 server hands patient records to anyone with the vendor&#39;s default password\.<\/strong> Reachable: 3 patient records/);
      assert.match(html, /Start with the 1 critical finding below\./);
    } finally {
      await one.t.cleanup();
    }
  });
});

describe('how a web service was reached', () => {
  it('tells open from a blank or vendor-default login', () => {
    assert.equal(loginUsed(openQido), undefined);
    assert.equal(loginUsed(lockedQido), undefined);
    assert.equal(loginUsed(defaultLoginOrthanc), 'vendor-default');
    assert.equal(loginUsed(defaultLoginQido), 'vendor-default');
    assert.equal(loginUsed(blankLoginPortal), 'blank');
    assert.equal(loginUsed(openFtp), undefined);
  });

  it('a file share sums up without patient data, nouns agreeing', () => {
    assert.equal(fileShareSummary(ftpObservation({ logins: [], walk: walk({ directories: 1, files: 2, bytes: 1, dicomFiles: 0, dicomdirs: 0, elementsPerHeader: undefined }) })), 'FTP no login tried, no TLS · 2 files, 1 byte in 1 folder');
  });

  it('a share tells indicators found by content apart from names, and how many text files were read', () => {
    const line = fileShareSummary(contentSmb)!;
    assert.match(line, /share exchange: tree-connected, 16 files, .* indicators found by content djvu-note-text×2 stratum-pool-url×1, 3 small text files read for indicators/);
    assert.doesNotMatch(line, /indicators djvu/, 'content hits are not shown as names');
    const one = fileShareSummary(smbObservation({ shares: [{ name: 'x', type: 'disk', source: 'common-names', access: 'tree-connected', walk: walk({ textsRead: 1 }) }] }))!;
    assert.match(one, /, 1 small text file read for indicators$/);
    assert.doesNotMatch(fileShareSummary(openFtp)!, /text file|found by content/, 'walks recorded before content reading read as before');
  });

  it('an NFS server sums up with its exports, who may mount each and what the walk saw', () => {
    const text = fileShareSummary(openNfs)!;
    assert.match(text, /^NFS \(MOUNT port 20048, NFS port 2049\), 2 exports listed · export \/srv\/images: every client, mounted, 16 files, 19620 bytes in 13 folders, DICOM 10 files/);
    assert.match(text, / · export \/srv\/radiology: 1 listed client, not the scanner, not-tried$/);
    assert.equal(fileShareSummary(bareNfs), 'NFS (MOUNT port -, NFS port -), no MOUNT registered');
  });
});

describe('a product named by its DICOM behaviour', () => {
  let store: { t: TestStore; runId: number };
  const orthanc = dicomObservation(dicomDetails(openArchive)!, {
    endpoint: { ip: '127.0.0.31', port: 4242 },
    product: { name: 'Orthanc', basis: 'DICOM behaviour: test', confidence: 'likely', identifiedBy: 'dicom-behaviour', toolkit: { name: 'DCMTK', version: '3.6.7' } },
  });
  before(async () => {
    store = await storeOf([orthanc]);
  });
  after(() => store?.t.cleanup());

  it('reads back from the store as stored, and every format says how it was named, how sure, and what it is built on', async () => {
    const [row] = await store.t.store.services(store.runId);
    assert.deepEqual(row?.observation.product, orthanc.product);
    const html = card(renderHtml(await summariseBounded(store.t.store, store.runId, HTML_BOUNDS)), '127-0-0-31-4242-dicom');
    assert.match(html, /<th>Product<\/th><td>Orthanc \(DICOM behaviour, likely\)<\/td>/);
    assert.match(html, /<th>Built on<\/th><td>DCMTK 3\.6\.7<\/td>/);
    assert.match(renderMarkdown(await summariseBounded(store.t.store, store.runId, MARKDOWN_BOUNDS)), /\| Orthanc \(DICOM behaviour, likely\) \|/);
    assert.match(renderTable(await summariseBounded(store.t.store, store.runId, TABLE_BOUNDS), { width: 160, color: false }), /Orthanc \(DICOM behaviour, likely\)/);
  });
});
