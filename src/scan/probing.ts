/**
 * How a run probes, from its parameters alone: the dialer with its limits, the
 * probes and the ports they claim, and what every probe is told. A new run, a
 * resumed one and (scale-out) a worker on a block of someone else's run all
 * build it the same way from the same recorded parameters.
 */
import { PROBES } from '../probes/index.ts';
import { createDialer } from '../net/dialer.ts';
import { createPseudonyms } from '../privacy/pseudonyms.ts';
import type { ScopePolicy } from '../scope/policy.ts';
import { probesAndPorts } from './probe-ports.ts';
import type { ScanOptions } from './run-scan.ts';
import type { RunParameters } from './run-parameters.ts';

/** Largest PDU (or message) accepted from a peer, whatever length it declares. */
const MAX_PDU_BYTES = 4 << 20;
/** Bytes one connection may receive before it is cut. */
const MAX_BYTES_PER_CONNECTION = 256 << 20;

export type Probing = Pick<ScanOptions, 'ports' | 'probes' | 'greetingWaitMs' | 'dialer' | 'context' | 'hostConcurrency' | 'connectRetries'>;

/** `scope` is the plan's (plan.ts): the dialer refuses any address outside it. */
export function probingUnder(p: RunParameters, scope: ScopePolicy): Probing {
  const { probes, ports } = probesAndPorts(PROBES, p.ports, p.webPorts, p.probes);
  const { greetingWaitMs, ...limits } = p.limits;
  const dialer = createDialer({
    scope,
    connectTimeoutMs: p.limits.connectTimeoutMs,
    maxBytesPerConnection: MAX_BYTES_PER_CONNECTION,
    connectionsPerSecond: p.pace.rate,
    perHostLimit: p.pace.perHost,
  });
  return {
    ports,
    probes,
    greetingWaitMs,
    dialer,
    context: {
      identity: { ...p.identity },
      limits: { ...limits, maxPduBytes: MAX_PDU_BYTES },
      dicom: { userAeTitles: p.dicom.aeTitles, useGuessList: p.dicom.guessList },
      // A fresh key per process: distinct-patient counts never need it again.
      pseudonyms: createPseudonyms(),
      // The plan has already refused every target outside loopback and private space that the
      // allow-list does not cover (scope/guard.ts): the same condition the login and write checks require.
      web: { checkLogins: p.checkLogins },
      fileWalk: { ...p.fileWalk },
    },
    hostConcurrency: p.pace.concurrency,
    connectRetries: p.pace.retries,
  };
}
