/**
 * Waiting for a socket to be ready (TCP connected, or TLS handshake done),
 * bounded by a timeout and a signal: one way for a new connection and for a
 * connection upgraded to TLS in place.
 */
import net from 'node:net';
import type tls from 'node:tls';
import type { Endpoint } from '../observation/observation.ts';
import { onAbortOf } from './abort-watch.ts';
import { NetError, toNetError } from './errors.ts';

export interface HandshakeBounds {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** What a timeout message says went unanswered (default "connect"). */
  readonly what?: string;
}

/** TLS client options: certificates recorded, not verified (a scanner must see self-signed ones); SNI from a hostname only. */
export function tlsClientOptions(endpoint: Endpoint, options: { readonly servername?: string }): tls.ConnectionOptions {
  return {
    servername: options.servername ?? (net.isIP(endpoint.hostname ?? '') ? undefined : endpoint.hostname),
    rejectUnauthorized: false,
  };
}

/**
 * Resolves on `readyEvent`; on an error, the timeout or the signal, destroys
 * the socket and rejects with a NetError (a timeout is a connection-timeout:
 * the peer did not complete the handshake).
 */
export function handshake(socket: net.Socket, readyEvent: 'connect' | 'secureConnect', bounds: HandshakeBounds): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (err?: NetError): void => {
      clearTimeout(timer);
      forget();
      socket.off('error', onError);
      socket.off(readyEvent, onReady);
      if (err) {
        socket.destroy();
        reject(err);
      } else {
        resolve();
      }
    };
    const onReady = (): void => finish();
    const onError = (e: unknown): void => finish(toNetError(e));
    const timer = setTimeout(() => finish(new NetError('connection-timeout', `no answer to ${bounds.what ?? 'connect'} within ${bounds.timeoutMs} ms`)), bounds.timeoutMs);
    socket.once(readyEvent, onReady);
    socket.once('error', onError);
    const forget = onAbortOf(bounds.signal, () => finish(new NetError('aborted', 'aborted during connect')));
  });
}
