/**
 * A minimal simulated DICOM SCP for benchmarks, built on the project's own
 * codecs in the acceptor role: accepts any called AE, answers C-ECHO and an
 * empty C-FIND, replies to A-RELEASE-RQ. It is for load, not for fidelity:
 * the scanner's correctness is tested against real servers (Orthanc, DCMTK).
 */
import net from 'node:net';
import { decodePdu, encodePdu, PduFramer, type AAssociateRq } from '../src/protocols/dicom/ul/index.ts';
import { MessageAssembler, toPdvs } from '../src/protocols/dicom/dimse/fragment.ts';
import { decodeCommand, encodeCommand } from '../src/protocols/dicom/dimse/messages.ts';
import { UID } from '../src/protocols/dicom/uids.ts';

function acceptFor(rq: AAssociateRq): Buffer {
  return encodePdu({
    type: 'A-ASSOCIATE-AC',
    calledAeTitle: rq.calledAeTitle,
    callingAeTitle: rq.callingAeTitle,
    applicationContextName: UID.applicationContext,
    presentationContexts: rq.presentationContexts.map((c) => ({ id: c.id, result: 0, transferSyntax: UID.implicitVrLittleEndian })),
    userInformation: { maxLength: 16384, implementationClassUid: '1.2.826.0.1.3680043.10.1387.9', implementationVersionName: 'EXPOSURE_SIM' },
  });
}

export function startSimScp(host: string, port: number): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    const framer = new PduFramer({ maxPduBytes: 1 << 20 });
    const assembler = new MessageAssembler({ maxMessageBytes: 1 << 20 });
    socket.on('data', (chunk: Buffer) => {
      const { frames, error } = framer.push(chunk);
      if (error) return socket.destroy();
      for (const frame of frames) {
        const d = decodePdu(frame);
        if (!d.ok) return socket.destroy();
        const pdu = d.value;
        if (pdu.type === 'A-ASSOCIATE-RQ') socket.write(acceptFor(pdu));
        else if (pdu.type === 'A-RELEASE-RQ') socket.end(encodePdu({ type: 'A-RELEASE-RP' }));
        else if (pdu.type === 'P-DATA-TF') {
          for (const pdv of pdu.pdvs) {
            const step = assembler.push(pdv);
            if (step.kind !== 'message') continue;
            const cmd = decodeCommand(step.message.command);
            if (!cmd.ok) return socket.destroy();
            const m = cmd.value.message;
            const reply =
              m.type === 'C-ECHO-RQ'
                ? encodeCommand({ type: 'C-ECHO-RSP', messageIdBeingRespondedTo: m.messageId, affectedSopClassUid: m.affectedSopClassUid, status: 0 })
                : m.type === 'C-FIND-RQ'
                  ? encodeCommand({ type: 'C-FIND-RSP', messageIdBeingRespondedTo: m.messageId, affectedSopClassUid: m.affectedSopClassUid, status: 0 })
                  : undefined;
            if (reply) for (const pdvs of toPdvs(step.message.contextId, reply, undefined, 16384)) socket.write(encodePdu({ type: 'P-DATA-TF', pdvs }));
          }
        }
      }
    });
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
