/**
 * DICOM over TLS (PS3.15 Annex B, the Basic TLS Secure Transport Connection
 * Profile; port 2762 is registered for it, PS3.15 B.1): the DICOM probe's
 * whole logic, run over a TLS connection, with the handshake recorded in
 * `tlsInfo` (certificate recorded, never verified).
 *
 * It claims 2762 only. Sites do put TLS on 104 or 11112, so the scan also runs
 * it on a plain DICOM port, or a port no probe claims, whose answer to a clear
 * A-ASSOCIATE-RQ looked like TLS (scan/identify.ts), not on every endpoint.
 * There, a failed or silent handshake only means "not TLS here" and is
 * dropped (a plain DICOM server may wait for the rest of what it takes for a PDU).
 */
import type { Observation } from '../../observation/observation.ts';
import { definedProbe, type Probe } from '../probe.ts';
import { runDicom } from '../dicom/index.ts';
import { catalogued, DICOM_TLS_PORT } from '../catalogue.ts';

function handshakeFailed(o: Observation): boolean {
  return o.status === 'handshake-error' || (o.error?.phase === 'connect' && ['connection-reset', 'closed', 'io-timeout', 'connection-timeout', 'other'].includes(o.error.code));
}

const { defaultPorts, summary: SUMMARY } = catalogued('dicom-tls');

const tlsRun = definedProbe('dicom-tls', [], SUMMARY, (endpoint, ctx, deadline) => runDicom(endpoint, ctx, deadline, { protocol: 'dicom-tls', tls: true }), { tls: true });

export const dicomTlsProbe: Probe = {
  id: 'dicom-tls',
  defaultPorts,
  summary: SUMMARY,
  run: async (endpoint, ctx) => {
    const o = await tlsRun.run(endpoint, ctx);
    if (endpoint.port !== DICOM_TLS_PORT && handshakeFailed(o)) return { ...o, status: 'not-this-protocol' };
    return o;
  },
};
