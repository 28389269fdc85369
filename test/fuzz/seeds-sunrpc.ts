/**
 * Seeds for the ONC RPC target: reply records as RFC 5531, RFC 1833 and
 * RFC 1813 lay them out, made with the codecs' own server-side encoders,
 * with made-up paths and names.
 */
import { encodeExports, encodeMountResult } from '../../src/protocols/nfs/mount.ts';
import { encodeGetAttrResult, encodeLookupResult, encodeNfsError, encodeReadDirPage, encodeReadDirPlusPage, encodeReadResult } from '../../src/protocols/nfs/nfs3.ts';
import { encodeDump } from '../../src/protocols/sunrpc/portmap.ts';
import { encodeAcceptedReply, encodeAuthErrorReply } from '../../src/protocols/sunrpc/rpc.ts';
import { XdrWriter } from '../../src/protocols/sunrpc/xdr.ts';

type Seeds = Record<string, Buffer>;

export function oncRpcSeeds(): Seeds {
  const ok = (results: Buffer): Buffer => encodeAcceptedReply(0x1234, 'success', results);
  return {
    'getport': ok(new XdrWriter().uint32(20048).toBuffer()),
    'dump': ok(encodeDump([{ program: 100005, version: 3, protocol: 6, port: 20048 }, { program: 100003, version: 3, protocol: 6, port: 2049 }])),
    'exports': ok(encodeExports([{ dir: '/srv/images', groups: [] }, { dir: '/srv/other', groups: ['10.0.0.0/8', '@pacs'] }])),
    'mnt': ok(encodeMountResult({ handle: Buffer.alloc(28, 3), authFlavors: [1, 0] })),
    'mnt-acces': ok(encodeMountResult({ code: 13 })),
    'readdirplus': ok(encodeReadDirPlusPage({ cookieVerifier: Buffer.alloc(8), entries: [{ name: 'study', cookie: 1, attributes: { type: 'directory', size: 4096 }, handle: Buffer.alloc(16, 1) }, { name: 'a.dcm', cookie: 2, attributes: { type: 'file', size: 300 } }], eof: true })),
    'readdir': ok(encodeReadDirPage({ cookieVerifier: Buffer.alloc(8), entries: [{ name: 'study', cookie: 1 }, { name: 'a.dcm', cookie: 2 }], eof: true })),
    'lookup': ok(encodeLookupResult(Buffer.alloc(16, 2), { type: 'file', size: 300 })),
    'getattr': ok(encodeGetAttrResult({ type: 'directory', size: 4096 })),
    'read': ok(encodeReadResult(Buffer.concat([Buffer.alloc(128), Buffer.from('DICM')]), true)),
    'nfs-error': ok(encodeNfsError(70)),
    'prog-unavail': encodeAcceptedReply(0x1234, 'prog-unavail'),
    'auth-error': encodeAuthErrorReply(0x1234, 'tooweak'),
  };
}
