/**
 * Where alerts go, with their secrets looked up once when the watch starts:
 * a missing environment variable or an unreadable key file is a mistake the
 * user hears about before the first scan, not after it.
 */
import { readFileSync, statSync } from 'node:fs';
import { counted } from '../observation/count.ts';
import type { Alert } from './alert.ts';
import type { AlertsConfig } from './config.ts';
import { WatchError } from './errors.ts';
import type { DeliveryReport } from './delivery.ts';
import { sendAlertEmail, type SmtpLogin } from './email.ts';
import { postWebhook, webhookLabel } from './webhook.ts';

/** A key file holds one key; anything larger is the wrong file. */
const MAX_SECRET_BYTES = 4096;

export interface AlertChannel {
  /** "webhook https://hooks.example.org", "e-mail to 2 addresses via smtp.example.org:587": no secret, no path. */
  readonly label: string;
  send(alert: Alert, stop?: AbortSignal): Promise<DeliveryReport>;
}

function fromEnv(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new WatchError('SECRET', `${what}: the environment variable ${name} is not set`);
  return value;
}

function secretFile(path: string): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new WatchError('SECRET', `the webhook key file ${path} does not exist or cannot be read`);
  }
  if (size > MAX_SECRET_BYTES) throw new WatchError('SECRET', `the webhook key file ${path} is ${size} bytes: a key file holds one key`);
  const key = readFileSync(path, 'utf8').trim();
  if (key === '') throw new WatchError('SECRET', `the webhook key file ${path} is empty`);
  return key;
}

/** The channels of a configuration; none when it names no alerts. */
export function alertChannels(config: AlertsConfig | undefined, env: NodeJS.ProcessEnv): AlertChannel[] {
  const channels: AlertChannel[] = [];
  const webhook = config?.webhook;
  if (webhook) {
    const secret = webhook.secretEnv !== undefined ? fromEnv(env, webhook.secretEnv, 'the webhook key (alerts.webhook.secretEnv)') : secretFile(webhook.secretFile as string);
    channels.push({
      label: `webhook ${webhookLabel(webhook.url)}`,
      send: (alert, stop) => postWebhook(webhook.url, secret, JSON.stringify(alert), webhook, stop),
    });
  }
  const email = config?.email;
  if (email) {
    const login: SmtpLogin | undefined =
      email.userEnv !== undefined && email.passwordEnv !== undefined
        ? { user: fromEnv(env, email.userEnv, 'the SMTP login (alerts.email.userEnv)'), pass: fromEnv(env, email.passwordEnv, 'the SMTP password (alerts.email.passwordEnv)') }
        : undefined;
    channels.push({
      label: `e-mail to ${counted(email.to.length, 'address', 'addresses')} via ${email.host}:${email.port}`,
      send: (alert, stop) => sendAlertEmail(email, login, alert, JSON.stringify(alert, null, 2), stop),
    });
  }
  return channels;
}
