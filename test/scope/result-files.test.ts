import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectFormat, readResultFile, type ResultFormat } from '../../src/scope/result-files.ts';
import { TargetSpecError } from '../../src/scope/spec.ts';

const dir = mkdtempSync(join(tmpdir(), 'exposure-results-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function read(name: string, text: string, format: ResultFormat | 'auto' = 'auto') {
  const file = join(dir, name);
  writeFileSync(file, text);
  const out: string[] = [];
  for await (const e of readResultFile(file, format)) out.push(`${e.index}:${e.ip}${e.port ? `:${e.port}` : ''}`);
  return { file, out };
}

describe('ZMap and masscan result files', () => {
  it('reads ZMap CSV with a header naming saddr and sport, dropping unsuccessful lines', async () => {
    const { out } = await read('zmap.csv', 'saddr,sport,classification,success\n127.0.0.2,104,synack,1\n127.0.0.3,4242,rst,0\n127.0.0.4,11112,synack,1\n');
    assert.deepEqual(out, ['0:127.0.0.2:104', '1:127.0.0.4:11112']);
    const { out: noPort } = await read('zmap-saddr.csv', 'saddr\n127.0.0.2\n');
    assert.deepEqual(noPort, ['0:127.0.0.2']);
  });

  it('reads ZMap plain output, one address a line', async () => {
    const { out } = await read('zmap.txt', '127.0.0.2\n\n127.0.0.3\r\n2001:DB8::1\n');
    assert.deepEqual(out, ['0:127.0.0.2', '1:127.0.0.3', '2:2001:db8::1']);
  });

  it('reads masscan -oL, skipping comments, banners and UDP', async () => {
    const text = '#masscan\nopen tcp 104 127.0.0.2 1700000000\nopen udp 161 127.0.0.3 1700000000\nbanner tcp 104 127.0.0.2 1700000001 dicom x\nopen tcp 11112 127.0.0.4 1700000002\n# end\n';
    assert.deepEqual((await read('masscan.lst', text)).out, ['0:127.0.0.2:104', '1:127.0.0.4:11112']);
  });

  it('reads masscan -oJ arrays and -oD ndjson', async () => {
    const oj = '[\n{   "ip": "127.0.0.2",   "timestamp": "1700000000", "ports": [ {"port": 104, "proto": "tcp", "status": "open", "reason": "syn-ack", "ttl": 64} ] }\n,\n{   "ip": "127.0.0.3",   "timestamp": "1700000000", "ports": [ {"port": 4242, "proto": "tcp", "status": "open"} ] }\n]\n';
    assert.deepEqual((await read('masscan.json', oj)).out, ['0:127.0.0.2:104', '1:127.0.0.3:4242']);
    const od = '{"ip":"127.0.0.5","timestamp":"1","port":11112,"proto":"tcp","rec_type":"status","data":{"status":"open","reason":"syn-ack","ttl":64}}\n{"ip":"127.0.0.5","timestamp":"1","port":104,"proto":"tcp","rec_type":"banner","data":{}}\n';
    assert.deepEqual((await read('masscan.ndjson', od)).out, ['0:127.0.0.5:11112']);
  });

  it('detects each format from its first line', () => {
    assert.equal(detectFormat('saddr,sport'), 'zmap-csv');
    assert.equal(detectFormat('10.0.0.1'), 'zmap-plain');
    assert.equal(detectFormat('#masscan'), 'masscan-list');
    assert.equal(detectFormat('open tcp 104 10.0.0.1 1'), 'masscan-list');
    assert.equal(detectFormat('['), 'masscan-json');
  });

  const malformed: [string, string, RegExp][] = [
    ['bad-ip.txt', '127.0.0.2\n127.0.0.999\n', /"127\.0\.0\.999" is not an IP address \(line 2 of .*bad-ip\.txt\)/],
    ['bad-port.csv', 'saddr,sport\n127.0.0.2,70000\n', /"70000" is not a port \(1-65535\) \(line 2 of/],
    ['short.csv', 'saddr,sport,success\n127.0.0.2,104\n', /expected 3 comma-separated fields, found 2 \(line 2 of/],
    ['no-saddr.csv', 'daddr,sport\n', /names no "saddr" field \(line 1 of/],
    ['truncated.lst', '#masscan\nopen tcp 104\n', /expected "open tcp PORT IP TIMESTAMP" \(line 2 of/],
    ['truncated.json', '[\n{"ip": "127.0.0.2", "ports": [ {"port": 1\n', /not a masscan JSON record \(line 2 of/],
    ['no-ip.json', '[\n{"ports": []}\n', /without "ip" \(line 2 of/],
    ['binary.txt', '\u0000\u0001\u0002\n', /is not an IP address \(line 1 of/],
  ];
  for (const [name, text, pattern] of malformed) {
    it(`explains a malformed line without crashing: ${name}`, async () => {
      await assert.rejects(read(name, text), (e: Error) => e instanceof TargetSpecError && pattern.test(e.message));
    });
  }

  it('says when the file cannot be read', async () => {
    await assert.rejects(async () => {
      for await (const _ of readResultFile(join(dir, 'missing.txt'))) void _;
    }, /cannot read .*missing\.txt \(ENOENT\)/);
  });
});
