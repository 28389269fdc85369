/**
 * The port mapper, program 100000 version 2 (RFC 1833 section 3): GETPORT
 * asks where a program listens, DUMP lists every registration. rpcbind
 * answers version 2 as well as its own 3 and 4; version 2 names ports only,
 * never another address, so a reply cannot send the scanner elsewhere.
 */
import { decodeXdr, XdrWriter, xdrFailure, type XdrDecoded, type XdrReader } from './xdr.ts';

export const PMAP_PROGRAM = 100000;
export const PMAP_VERSION = 2;
export const PMAPPROC_GETPORT = 3;
export const PMAPPROC_DUMP = 4;
/** RFC 1833 3: IPPROTO_TCP and IPPROTO_UDP. */
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

export interface Mapping {
  readonly program: number;
  readonly version: number;
  readonly protocol: number;
  readonly port: number;
}

/** RFC 1833 3: struct mapping { prog, vers, prot, port } (port ignored in a GETPORT call). */
export function encodeGetPort(program: number, version: number, protocol = IPPROTO_TCP): Buffer {
  return new XdrWriter().uint32(program).uint32(version).uint32(protocol).uint32(0).toBuffer();
}

/** GETPORT's result: the port, 0 when the program is not registered. Ports above 65535 are a malformed answer. */
export function decodeGetPort(body: XdrReader): XdrDecoded<number> {
  return decodeXdr(() => {
    const at = body.offset;
    const port = body.uint32('port');
    if (port > 0xffff) throw xdrFailure('bad-value', 'port', at, `${port} is not a TCP port`);
    return port;
  });
}

/** DUMP's result: the registrations, at most `max` (a list "value follows" by "value follows"). */
export function decodeDump(body: XdrReader, max: number): XdrDecoded<{ mappings: Mapping[]; cut: boolean }> {
  return decodeXdr(() => {
    const { items, cut } = body.linkedList(max, 'pmaplist', (r) => ({
      program: r.uint32('prog'),
      version: r.uint32('vers'),
      protocol: r.uint32('prot'),
      port: r.uint32('port'),
    }));
    return { mappings: items, cut };
  });
}

/** The DUMP answer a port mapper gives (the lab's hostile personas and tests). */
export function encodeDump(mappings: readonly Mapping[]): Buffer {
  const w = new XdrWriter();
  for (const m of mappings) w.bool(true).uint32(m.program).uint32(m.version).uint32(m.protocol).uint32(m.port);
  return w.bool(false).toBuffer();
}
