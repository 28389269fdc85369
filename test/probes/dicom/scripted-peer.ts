/**
 * A scripted DICOM upper-layer peer for tests, on a loopback address and port 0:
 * it frames and decodes every PDU the scanner sends, records it, and hands it to
 * the test's script with the socket to answer on. One connection per server.
 */
import net from 'node:net';
import { decodePdu, PduFramer, type Pdu } from '../../../src/protocols/dicom/ul/index.ts';

export interface ScriptedPeer {
  readonly server: net.Server;
  readonly port: number;
  /** Every PDU the scanner sent, in order. */
  readonly heard: readonly Pdu[];
  /** Resolves when the scanner's connection has closed, or after three seconds (the scanner frees its socket within one). */
  readonly closed: Promise<void>;
}

export async function scriptedPeer(host: string, onPdu: (pdu: Pdu, socket: net.Socket) => void): Promise<ScriptedPeer> {
  const heard: Pdu[] = [];
  let done!: () => void;
  const closed = new Promise<void>((resolve) => (done = resolve));
  const server = net.createServer((socket) => {
    const framer = new PduFramer({ maxPduBytes: 1 << 16 });
    socket.on('error', () => undefined);
    socket.on('close', () => done());
    socket.on('end', () => socket.end());
    socket.on('data', (chunk: Buffer) => {
      for (const frame of framer.push(chunk).frames) {
        const d = decodePdu(frame);
        if (!d.ok) continue;
        heard.push(d.value);
        onPdu(d.value, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    server,
    port: (server.address() as net.AddressInfo).port,
    heard,
    closed: Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 3000).unref())]),
  };
}
