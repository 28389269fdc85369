/**
 * The one logger: structured, to stderr. On a terminal each event is one
 * readable line; otherwise (a file, a pipe, a log collector) one JSON object a
 * line. Nothing here ever receives a patient attribute value; pino's redact is
 * a second guard in case a field with a patient keyword slips into a log call.
 */
import { pino, type Logger } from 'pino';
import { IDENTIFYING_ATTRIBUTES } from './privacy/identifying-attributes.ts';

export type { Logger };

/** Where log lines go, and whether a person reads them there. */
export interface LogOutput {
  readonly isTTY: boolean;
  write(text: string): void;
}

export function createLogger(level: string = process.env.EXPOSURE_LOG_LEVEL ?? 'warn', output?: LogOutput): Logger {
  const paths = IDENTIFYING_ATTRIBUTES.flatMap((a) => [a.keyword, `*.${a.keyword}`]);
  const options = { level, base: undefined, redact: { paths, censor: '[redacted]' } };
  const tty = output?.isTTY ?? process.stderr.isTTY === true;
  if (!tty) return pino(options, output ?? pino.destination({ fd: 2, sync: true }));
  // pino writes one JSON line per event; the terminal gets it reformatted, after redaction.
  const to = output ?? { write: (text: string) => void process.stderr.write(text) };
  return pino(options, { write: (json: string) => to.write(humanLine(json)) });
}

/** "12:03:04 WARN  service probed endpoint=10.0.0.5:104 status=rejected", one line whatever the values hold. */
export function humanLine(json: string): string {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return `${escapeControls(json.trimEnd())}\n`;
  }
  const { time, level, msg, ...fields } = event;
  const at = typeof time === 'number' ? clock(new Date(time)) : '--:--:--';
  const label = (typeof level === 'number' ? (pino.levels.labels[level] ?? String(level)) : String(level)).toUpperCase().padEnd(5);
  const pairs = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? quoted(v) : escapeControls(JSON.stringify(v))}`);
  const message = typeof msg === 'string' && msg !== '' ? [escapeControls(msg)] : [];
  return `${[at, label, ...message, ...pairs].join(' ')}\n`;
}

function clock(d: Date): string {
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * No control character reaches the terminal as itself: a peer's banner may
 * carry an escape sequence (C0 ESC or C1 CSI) or a newline that would fake a
 * second event.
 */
function escapeControls(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value bare when it is one plain word, else quoted so that spaces and "=" cannot blur the pairs. */
function quoted(s: string): string {
  if (/^[^\s"=\\\u0000-\u001f\u007f-\u009f]+$/.test(s)) return s;
  return `"${escapeControls(s.replace(/["\\]/g, '\\$&'))}"`;
}
