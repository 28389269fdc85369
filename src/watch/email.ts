/**
 * An alert as an e-mail: a plain-text summary with the alert's JSON attached,
 * sent through the configured SMTP server with nodemailer. TLS as configured
 * (STARTTLS required by default), a login only from the environment, the
 * library's own connect, greeting and socket timeouts set to the attempt's
 * deadline, and no file or URL the message could pull content from.
 */
import nodemailer from 'nodemailer';
import type { Alert } from './alert.ts';
import { alertSubject, alertText } from './alert.ts';
import type { EmailConfig } from './config.ts';
import { deliver, type AttemptOutcome, type DeliveryReport } from './delivery.ts';

export interface SmtpLogin {
  readonly user: string;
  readonly pass: string;
}

/** An SMTP 5xx is a refusal that a retry would only repeat. */
function permanent(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'responseCode' in err ? err.responseCode : undefined;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export async function sendAlertEmail(config: EmailConfig, login: SmtpLogin | undefined, alert: Alert, json: string, stop?: AbortSignal): Promise<DeliveryReport> {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.tls === 'implicit',
    requireTLS: config.tls === 'starttls',
    ignoreTLS: config.tls === 'none',
    ...(login ? { auth: { user: login.user, pass: login.pass } } : {}),
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const message = {
    from: config.from,
    to: config.to,
    subject: alertSubject(alert),
    text: alertText(alert),
    attachments: [{ filename: `exposure-alert-run-${alert.run.id}.json`, content: json, contentType: 'application/json' }],
  };
  try {
    return await deliver(
      'email',
      config,
      async (): Promise<AttemptOutcome> => {
        try {
          const info = (await transport.sendMail(message)) as { response?: unknown };
          return { ok: true, detail: typeof info.response === 'string' ? info.response : 'accepted' };
        } catch (err) {
          const detail = err instanceof Error ? err.message : String(err);
          return { ok: false, retry: !permanent(err), detail };
        }
      },
      stop,
    );
  } finally {
    transport.close();
  }
}
