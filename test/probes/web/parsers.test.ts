/** The web probes' parsers: titles, challenges, QIDO-RS JSON, Orthanc REST, signatures; malformed and truncated input included. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { HttpResponse } from '../../../src/net/http.ts';
import { readAeTitles, readQidoPage } from '../../../src/probes/dicomweb/qido-json.ts';
import { parseStatistics, parseSystem } from '../../../src/probes/orthanc/rest.ts';
import { matchSignatures, parseResponse } from '../../../src/probes/portal/fingerprint.ts';
import { PORTAL_SIGNATURES } from '../../../src/probes/portal/signatures.ts';
import { parseChallenge } from '../../../src/probes/web/auth.ts';
import { loginCandidates, MAX_LOGIN_ATTEMPTS } from '../../../src/probes/web/default-credentials.ts';
import { hasPasswordField, htmlTitle } from '../../../src/probes/web/html.ts';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

function response(status: number, body: string, headers: Record<string, string> = { 'content-type': 'text/html' }): HttpResponse {
  return { status, headers, body: b(body), truncated: false, path: '/', redirects: 0, offOriginRedirect: false };
}

describe('html', () => {
  it('reads the first complete title, decoded and collapsed', () => {
    assert.equal(htmlTitle(b('<html><head><TITLE lang="en">\n  Orthanc&#32;Explorer </TITLE></head>')), 'Orthanc Explorer');
    assert.equal(htmlTitle(b('<title>A &amp; B</title><title>second</title>')), 'A & B');
  });

  it('has no title when the element is cut or missing', () => {
    assert.equal(htmlTitle(b('<html><head><title>Orthanc Expl')), undefined);
    assert.equal(htmlTitle(b('no html at all')), undefined);
    assert.equal(htmlTitle(Buffer.alloc(0)), undefined);
  });

  it('finds a password field', () => {
    assert.equal(hasPasswordField(b('<form><input name=p type="password"></form>')), true);
    assert.equal(hasPasswordField(b('<input type=text> password')), false);
  });
});

describe('WWW-Authenticate', () => {
  it('parses Basic with a quoted realm and Digest with a token realm', () => {
    assert.deepEqual(parseChallenge('Basic realm="Orthanc Secure Area"'), { scheme: 'basic', realm: 'Orthanc Secure Area' });
    assert.deepEqual(parseChallenge('Digest realm=pacs, nonce="x"'), { scheme: 'digest', realm: 'pacs' });
    assert.deepEqual(parseChallenge('Negotiate'), { scheme: 'other' });
  });

  it('survives malformed headers and cuts control characters', () => {
    assert.equal(parseChallenge(undefined), undefined);
    assert.equal(parseChallenge('   '), undefined);
    assert.deepEqual(parseChallenge('Basic realm="a\u001b[2Jb"'), { scheme: 'basic', realm: 'a?[2Jb' });
    fc.assert(fc.property(fc.string(), (s) => void parseChallenge(s)));
  });
});

describe('portal signatures', () => {
  it('recognises Orthanc from its realm and its explorer title, anchored', () => {
    const locked = matchSignatures(parseResponse(response(401, '', { 'www-authenticate': 'Basic realm="Orthanc Secure Area"' })));
    assert.deepEqual(locked.map((m) => m.signature.id), ['orthanc-realm']);
    const open = matchSignatures(parseResponse(response(200, '<title>Orthanc Explorer</title>')));
    assert.deepEqual(open.map((m) => m.signature.id), ['orthanc-explorer']);
  });

  it('matches a favicon by its SHA-256, only when it was fetched as the favicon', () => {
    const icon = response(200, 'not really an icon', { 'content-type': 'image/x-icon' });
    const sig = { ...PORTAL_SIGNATURES.find((s) => s.id === 'orthanc-favicon')!, matcher: { on: 'favicon' as const, sha256: createHash('sha256').update('not really an icon').digest('hex') } };
    assert.deepEqual(matchSignatures(parseResponse(icon, true), [sig]).map((m) => m.signature.id), ['orthanc-favicon']);
    assert.deepEqual(matchSignatures(parseResponse(icon, false), [sig]), []);
  });

  it('takes the Conquest version from its title', () => {
    const m = matchSignatures(parseResponse(response(200, '<title>Conquest DICOM server - version 1.5.0c</title>')));
    assert.deepEqual(m.map((x) => [x.signature.product, x.version]), [['Conquest DICOM server', '1.5.0c']]);
  });

  it('does not take a page that only mentions a product, nor a plain server, for a PACS', () => {
    for (const page of ['<title>Welcome</title>', '<title>How to install Orthanc Explorer</title>', '<title>OHIF Viewer demo notes</title>', '<h1>Orthanc Explorer</h1>']) {
      assert.deepEqual(matchSignatures(parseResponse(response(200, page))), [], page);
    }
    assert.deepEqual(matchSignatures(parseResponse(response(404, '<title>Orthanc Explorer</title>'))), [], 'an error page is no signature');
  });

  it('every signature has an id, a product, a source, and ids are unique', () => {
    const ids = new Set<string>();
    for (const s of PORTAL_SIGNATURES) {
      assert.ok(!ids.has(s.id), s.id);
      ids.add(s.id);
      assert.ok(s.source.length > 10 && s.product.length > 0 && s.path.startsWith('/'));
    }
  });
});

describe('QIDO-RS JSON', () => {
  const page = JSON.stringify([
    {
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'X^Y' }] },
      '00100020': { vr: 'LO', Value: ['P1'] },
      '00100030': { vr: 'DA' },
      '00080050': { vr: 'SH', Value: [''] },
      '00201206': { vr: 'IS', Value: [2] },
      '00201208': { vr: 'IS', Value: ['5'] },
    },
    { '00100020': { vr: 'LO', Value: ['P1'] }, '00100040': { vr: 'CS', Value: ['F'] } },
  ]);

  it('lists non-empty tags, study counts, and hands patient IDs to the counter only', () => {
    const ids: string[] = [];
    const r = readQidoPage(b(page), (v) => ids.push(v), 100);
    assert.ok(r.ok);
    assert.deepEqual(r.studies[0], { nonEmptyTags: ['00100010', '00100020', '00201206', '00201208'], seriesCount: 2, instanceCount: 5 });
    assert.deepEqual(r.studies[1]?.nonEmptyTags, ['00100020', '00100040']);
    assert.deepEqual(ids, ['P1', 'P1']);
    assert.ok(!JSON.stringify(r).includes('X^Y') && !JSON.stringify(r).includes('P1'), 'no value in the result');
  });

  it('treats an empty body (HTTP 204) as an empty page', () => {
    assert.deepEqual(readQidoPage(Buffer.alloc(0), () => {}, 100), { ok: true, studies: [], more: false });
  });

  it('refuses truncated or non-array JSON without echoing it', () => {
    for (const bad of [page.slice(0, page.length - 7), '{"00100010":{}}', '[1,2]', 'null', '<html>']) {
      const r = readQidoPage(b(bad), () => {}, 100);
      assert.equal(r.ok, false, bad);
      if (!r.ok) assert.ok(!r.reason.includes('X^Y'));
    }
    fc.assert(fc.property(fc.string(), (s) => void readQidoPage(b(s), () => {}, 100)));
  });

  it('answers a page whose value nests 20,000 levels deep without overflowing the stack (found by fuzzing)', () => {
    for (const [open, close] of [['[', ']'], ['{"00081150":', '}']]) {
      const deep = `[{"00081115":{"vr":"SQ","Value":[${open!.repeat(20_000)}"1"${close!.repeat(20_000)}]}}]`;
      assert.doesNotThrow(() => readQidoPage(b(deep), () => {}, 100));
    }
  });

  it('reads dcm4chee-arc AE titles, dropping anything that is not an AE title', () => {
    assert.deepEqual(readAeTitles(b('[{"dicomAETitle":"DCM4CHEE"},{"dicomAETitle":"../x"},{"dicomAETitle":"IOCM_REGULAR_USE"}]'), 3), ['DCM4CHEE', 'IOCM_REGULAR_USE']);
    assert.deepEqual(readAeTitles(b('not json'), 3), []);
  });
});

describe('Orthanc REST', () => {
  it('parses /system and /statistics of 1.10.1', () => {
    assert.deepEqual(parseSystem(b('{"ApiVersion":16,"DicomAet":"ORTHANC","DicomPort":4242,"Name":"x","PluginsEnabled":true,"Version":"1.10.1"}')), {
      version: '1.10.1',
      apiVersion: 16,
      dicomAet: 'ORTHANC',
      dicomPort: 4242,
      pluginsEnabled: true,
    });
    assert.deepEqual(parseStatistics(b('{"CountInstances":10,"CountPatients":3,"CountSeries":5,"CountStudies":4,"TotalDiskSize":"18698"}')), {
      patients: 3,
      studies: 4,
      series: 5,
      instances: 10,
      diskSizeBytes: 18698,
    });
  });

  it('refuses what is not Orthanc and drops odd fields', () => {
    assert.equal(parseSystem(b('{"status":"ok"}')), undefined);
    assert.equal(parseSystem(b('{"Version":')), undefined);
    assert.deepEqual(parseSystem(b('{"Version":"<script>","DicomAet":"AN AE TITLE TOO LONG FOR DICOM"}')), {});
    assert.equal(parseStatistics(b('{"CountPatients":-1,"CountStudies":0,"CountSeries":0,"CountInstances":0}')), undefined);
  });
});

describe('login candidates', () => {
  it('blank first, then the product defaults, never more than a handful', () => {
    assert.deepEqual(loginCandidates(undefined).map((c) => c.credentialClass), ['blank']);
    const orthanc = loginCandidates('Orthanc');
    assert.deepEqual(orthanc.map((c) => [c.credentialClass, c.user]), [['blank', ''], ['vendor-default', 'orthanc'], ['vendor-default', 'alice']]);
    assert.ok(orthanc.length <= MAX_LOGIN_ATTEMPTS);
  });
});
