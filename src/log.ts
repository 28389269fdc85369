/**
 * The one logger: structured, to stderr, JSON when stderr is not a terminal.
 * Nothing here ever receives a patient attribute value; pino's redact is a
 * second guard in case a field with a patient keyword slips into a log call.
 */
import { pino, type Logger } from 'pino';
import { IDENTIFYING_ATTRIBUTES } from './privacy/identifying-attributes.ts';

export type { Logger };

export function createLogger(level: string = process.env.EXPOSURE_LOG_LEVEL ?? 'warn'): Logger {
  const paths = IDENTIFYING_ATTRIBUTES.flatMap((a) => [a.keyword, `*.${a.keyword}`]);
  return pino(
    {
      level,
      base: undefined,
      redact: { paths, censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}
