/**
 * Network errors with stable codes, and their mapping to probe statuses.
 *
 * Unlike a lossy "every dial error is a timeout" mapping, each OS error keeps
 * its own meaning: a refused port, an unreachable host and a silent filter are
 * different facts about a network.
 */
import type { ProbeStatus } from '../observation/observation.ts';

export type NetErrorCode =
  | 'out-of-scope'
  | 'connection-refused'
  | 'connection-timeout'
  | 'io-timeout'
  | 'connection-reset'
  | 'host-unreachable'
  | 'network-unreachable'
  | 'closed'
  | 'byte-cap'
  | 'aborted'
  | 'tls-error'
  | 'dns-error'
  | 'other';

export class NetError extends Error {
  override readonly name = 'NetError';
  constructor(
    readonly code: NetErrorCode,
    message: string,
    readonly osCode?: string,
  ) {
    super(message);
  }
}

const OS_CODES: Readonly<Record<string, NetErrorCode>> = {
  ECONNREFUSED: 'connection-refused',
  ETIMEDOUT: 'connection-timeout',
  ECONNRESET: 'connection-reset',
  EPIPE: 'connection-reset',
  EHOSTUNREACH: 'host-unreachable',
  ENETUNREACH: 'network-unreachable',
  EHOSTDOWN: 'host-unreachable',
  EADDRNOTAVAIL: 'host-unreachable',
  ENOTFOUND: 'dns-error',
  EAI_AGAIN: 'dns-error',
  ABORT_ERR: 'aborted',
};

/** Turns whatever Node threw (including Node 20's AggregateError from autoSelectFamily) into a NetError. */
export function toNetError(err: unknown): NetError {
  if (err instanceof NetError) return err;
  if (err instanceof AggregateError && err.errors.length > 0) {
    // autoSelectFamily tried several addresses: the most telling error wins.
    const mapped = err.errors.map(toNetError);
    const preferred = ['connection-refused', 'host-unreachable', 'network-unreachable', 'connection-timeout'] as const;
    for (const code of preferred) {
      const hit = mapped.find((e) => e.code === code);
      if (hit) return hit;
    }
    return mapped[0]!;
  }
  const osCode = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
  if (osCode && (osCode.startsWith('ERR_TLS') || osCode.startsWith('ERR_SSL') || osCode === 'EPROTO')) {
    return new NetError('tls-error', `TLS handshake failed (${osCode})`, osCode);
  }
  const code: NetErrorCode = (osCode ? OS_CODES[osCode] : undefined) ?? 'other';
  // Only codes and class names: the message of an error thrown by a parser or library may quote
  // what the peer sent, and this text reaches the store (Observation.error).
  const message = osCode ? `${code} (${osCode})` : `${code} (${err instanceof Error ? err.name : typeof err})`;
  return new NetError(code, message, osCode);
}

/**
 * Where a network failure lands in the status set: the one place a NetError
 * code becomes a status, so every probe says the same thing for the same fact.
 */
export function statusOfNetError(err: NetError): ProbeStatus {
  switch (err.code) {
    case 'out-of-scope':
    case 'connection-refused':
    case 'connection-timeout':
    case 'host-unreachable':
    case 'network-unreachable':
    case 'connection-reset':
    case 'io-timeout':
    case 'aborted':
      return err.code;
    case 'tls-error':
      return 'handshake-error';
    // The peer broke the protocol rather than the network failing: it closed
    // in the middle of a message, or sent more than any answer of ours needs.
    case 'closed':
    case 'byte-cap':
      return 'protocol-error';
    case 'dns-error':
    case 'other':
      return 'unknown-error';
    default: {
      const never: never = err.code;
      return never;
    }
  }
}
