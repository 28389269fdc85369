/**
 * A scripted ONC RPC peer for the NFS probe's tests, in process on port 0 of
 * an address the test owns: one server plays the port mapper, MOUNT and NFS
 * on one port and answers what each test scripts.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { createDialer } from '../../../src/net/dialer.ts';
import { Observation, type NfsDetails } from '../../../src/observation/observation.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';
import { DEFAULT_FILE_WALK } from '../../../src/probes/nas/limits.ts';
import type { FileWalkOptions, ProbeContext } from '../../../src/probes/probe.ts';
import { encodeExports, encodeMountResult, MOUNT_PROGRAM } from '../../../src/protocols/nfs/mount.ts';
import { encodeNfsError, NFS_PROGRAM } from '../../../src/protocols/nfs/nfs3.ts';
import { PMAP_PROGRAM } from '../../../src/protocols/sunrpc/portmap.ts';
import { decodeCall, encodeAcceptedReply, frameRecord, RecordAssembler, type AcceptStat, type DecodedCall } from '../../../src/protocols/sunrpc/rpc.ts';
import { XdrWriter } from '../../../src/protocols/sunrpc/xdr.ts';

/** Bytes a scripted server writes at most on one connection: every loop here is bounded. */
export const SERVER_BYTE_CAP = 32 << 20;

/** What a script answers to one call: the results of an accepted call, a call accepted but not run, raw bytes, a stream of its own, or nothing. */
export type Answer = { results: Buffer } | { notRun: Exclude<AcceptStat, 'success'> } | { raw: Buffer } | { stream: (s: net.Socket) => void } | 'silence' | 'close';
export type Script = (call: DecodedCall, port: number) => Answer;

export const u32 = (n: number): Buffer => new XdrWriter().uint32(n).toBuffer();

function replyTo(call: DecodedCall, answer: { results: Buffer } | { notRun: Exclude<AcceptStat, 'success'> } | { raw: Buffer }): Buffer {
  if ('raw' in answer) return answer.raw;
  return frameRecord('notRun' in answer ? encodeAcceptedReply(call.xid, answer.notRun) : encodeAcceptedReply(call.xid, 'success', answer.results));
}

/** Scripted servers on `host` and a probe context whose scope is that address alone; `close` ends every server. */
export function rpcPeers(host: string): {
  rpcServer(script: Script, calls?: DecodedCall[]): Promise<number>;
  ctx(walk?: Partial<FileWalkOptions>, probeTimeoutMs?: number, ioTimeoutMs?: number): ProbeContext;
  close(): void;
} {
  const servers: net.Server[] = [];
  return {
    /** One ONC RPC server on port 0 for every program: GETPORT names its own port for anything registered. */
    async rpcServer(script, calls = []) {
      let port = 0;
      const server = net.createServer((s) => {
        s.on('error', () => undefined);
        const asm = new RecordAssembler(1 << 20);
        s.on('data', (chunk) => {
          for (const record of asm.push(chunk)) {
            const call = decodeCall(record);
            if (!call.ok) return void s.destroy();
            calls.push(call.value);
            const answer = script(call.value, port);
            if (answer === 'close') return void s.destroy();
            if (answer === 'silence') return;
            if ('stream' in answer) return void answer.stream(s);
            s.write(replyTo(call.value, answer));
          }
        });
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, host, resolve));
      port = (server.address() as net.AddressInfo).port;
      return port;
    },
    ctx(walk = {}, probeTimeoutMs = 15_000, ioTimeoutMs = 2000) {
      return {
        dialer: createDialer({ scope: { check: (ip) => (ip === host ? { allowed: true } : { allowed: false, reason: 'out of test scope' }) }, connectTimeoutMs: 2000, maxBytesPerConnection: 64 << 20, connectionsPerSecond: 0 }),
        signal: new AbortController().signal,
        identity: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'Exposure/0.1.0' },
        limits: { maxRecords: 10, connectTimeoutMs: 2000, ioTimeoutMs, probeTimeoutMs, maxPduBytes: 1 << 20 },
        dicom: { userAeTitles: [], useGuessList: false },
        pseudonyms: createPseudonyms(),
        fileWalk: { ...DEFAULT_FILE_WALK, ...walk },
      };
    },
    close() {
      for (const s of servers) s.close();
    },
  };
}

/** A tidy server: GETPORT → this port; EXPORT → `exports`; MNT → a handle unless `mnt` says otherwise; NFS from `nfs`. */
export function server(o: { exports: { dir: string; groups: string[] }[]; mnt?: (dir: string) => number; nfs?: (call: DecodedCall) => Answer }): Script {
  return (call, port) => {
    if (call.program === PMAP_PROGRAM) return { results: u32(port) };
    if (call.program === MOUNT_PROGRAM) {
      if (call.procedure === 5) return { results: encodeExports(o.exports) };
      if (call.procedure === 1) {
        const dir = call.args.string(1024, 'dir').toString();
        const code = o.mnt?.(dir) ?? 0;
        return { results: code === 0 ? encodeMountResult({ handle: Buffer.from(`root:${dir}`), authFlavors: [1] }) : encodeMountResult({ code }) };
      }
      return { results: Buffer.alloc(0) }; // UMNT
    }
    if (call.program === NFS_PROGRAM && o.nfs) return o.nfs(call);
    return { results: encodeNfsError(10004) };
  };
}

export function details(o: Observation): NfsDetails {
  Observation.parse(o);
  assert.equal(o.details?.protocol, 'nfs');
  return o.details as NfsDetails;
}
