/**
 * A scripted DICOM upper-layer peer for tests, on a loopback address and port 0:
 * it frames and decodes every PDU the scanner sends, records it, and hands it to
 * the test's script with the socket to answer on. One connection per server.
 */
import net from 'node:net';
import { decodePdu, encodePdu, PduFramer, type AAssociateRq, type Pdu } from '../../../src/protocols/dicom/ul/index.ts';
import { MessageAssembler } from '../../../src/protocols/dicom/dimse/fragment.ts';
import { decodeCommand, type DimseMessage } from '../../../src/protocols/dicom/dimse/messages.ts';
import { UID } from '../../../src/protocols/dicom/uids.ts';

/**
 * The bytes of an A-ASSOCIATE-AC accepting Verification (context 1) for a title no
 * site configures, from an implementation that names itself `versionName`: for
 * peers that answer with it whole, late or a byte at a time.
 */
export function anyTitleAccepted(versionName: string): Buffer {
  return encodePdu({
    type: 'A-ASSOCIATE-AC',
    calledAeTitle: 'XQ-NO-SUCH-AE-7',
    callingAeTitle: 'EXPOSURE-TEST',
    applicationContextName: UID.applicationContext,
    presentationContexts: [{ id: 1, result: 0, transferSyntax: UID.implicitVrLittleEndian }],
    userInformation: { maxLength: 16384, implementationClassUid: '1.9.9', implementationVersionName: versionName },
  });
}

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

/** What an acceptor sends back for one whole DIMSE request of ours. */
export type DimseAnswer = (request: DimseMessage, contextId: number, socket: net.Socket) => Pdu[];

/**
 * A scripted acceptor: `accept` answers the A-ASSOCIATE-RQ, an A-RELEASE-RQ gets
 * its A-RELEASE-RP, and each DIMSE request, once its fragments are whole, gets
 * what `answer` returns.
 */
export async function scriptedAcceptor(host: string, accept: (rq: AAssociateRq) => Pdu, answer: DimseAnswer): Promise<ScriptedPeer> {
  const assembler = new MessageAssembler({ maxMessageBytes: 1 << 16 });
  return scriptedPeer(host, (pdu, socket) => {
    const send = (out: Pdu): void => void socket.write(encodePdu(out));
    if (pdu.type === 'A-ASSOCIATE-RQ') send(accept(pdu));
    if (pdu.type === 'A-RELEASE-RQ') socket.end(encodePdu({ type: 'A-RELEASE-RP' }));
    if (pdu.type !== 'P-DATA-TF') return;
    for (const pdv of pdu.pdvs) {
      const step = assembler.push(pdv);
      if (step.kind !== 'message') continue;
      const rq = decodeCommand(step.message.command);
      if (rq.ok) answer(rq.value.message, step.message.contextId, socket).forEach(send);
    }
  });
}
