/**
 * Alerts by e-mail through an SMTP server of the test's own (smtp-server) on
 * 127.0.94.11: the summary and the alert's JSON arrive, a login comes from
 * the environment, a temporary refusal is retried and a permanent one is
 * not, and the default (STARTTLS required) will not send in clear.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { Alert } from '../../src/watch/alert.ts';
import { alertChannels } from '../../src/watch/channels.ts';
import type { EmailConfig } from '../../src/watch/config.ts';
import { sendAlertEmail } from '../../src/watch/email.ts';

const IP = '127.0.94.11';

interface Mail {
  from: string;
  to: string[];
  raw: string;
  user?: string;
}

const servers: SMTPServer[] = [];
after(async () => {
  for (const s of servers) await new Promise<void>((done) => s.close(() => done()));
});

/** An SMTP server on IP; `answer(n)` is an error to refuse the nth message with, or undefined to accept it. */
async function smtp(answer: (n: number) => { code: number; text: string } | undefined = () => undefined, options: SMTPServerOptions = {}): Promise<{ port: number; mails: Mail[] }> {
  const mails: Mail[] = [];
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const refusal = answer(++n);
        if (refusal) return callback(Object.assign(new Error(refusal.text), { responseCode: refusal.code }));
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          ...(typeof session.user === 'string' ? { user: session.user } : {}),
        });
        callback();
      });
    },
    ...options,
  });
  servers.push(server);
  await new Promise<void>((ready) => server.listen(0, IP, () => ready()));
  return { port: (server.server.address() as AddressInfo).port, mails };
}

const ALERT = {
  schema: 'exposure-alert/1',
  scope: 'radiology',
  run: { id: 2, startedAt: '2026-03-05T02:00:00.000Z' },
  previousRun: { id: 1, startedAt: '2026-03-04T02:00:00.000Z' },
  minSeverity: 'high',
  counts: { newFindings: 0, fixedFindings: 1, newExposures: 0, fixedExposures: 1, findingsInRun: { critical: 0, high: 0, medium: 1, low: 0, info: 0 }, exposedServicesInRun: 0, likelyHoneypotsLeftOut: 0 },
  newFindings: [],
  fixedFindings: [{ ruleId: 'EXP-DICOM-001', title: 'C-FIND answers', severity: 'critical', ip: '10.1.0.5', port: 104, protocol: 'dicom', remediation: 'Restrict C-FIND.' }],
  scopeChanged: false,
} satisfies Alert;

function config(port: number, more: Partial<EmailConfig> = {}): EmailConfig {
  return { host: IP, port, tls: 'none', from: 'exposure@example.org', to: ['pacs-admin@example.org', 'security@example.org'], attempts: 3, timeoutMs: 5000, backoffMs: 20, ...more };
}

/** The attachment's JSON, whichever transfer encoding the library chose. */
function attachedJson(raw: string): unknown {
  const part = /Content-Type: application\/json[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*?Content-Transfer-Encoding: (\S+)\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)\r?\n--/i.exec(raw);
  assert.ok(part, 'a JSON attachment');
  const [, encoding, body] = part;
  const text = encoding?.toLowerCase() === 'base64' ? Buffer.from(body!.replace(/\s+/g, ''), 'base64').toString('utf8') : body!.replace(/=\r?\n/g, '');
  return JSON.parse(text);
}

describe('e-mail alerts', () => {
  it('sends the summary and the alert\'s JSON to every recipient', async () => {
    const s = await smtp();
    const report = await sendAlertEmail(config(s.port), undefined, ALERT, JSON.stringify(ALERT));
    assert.equal(report.delivered, true, report.detail);
    assert.equal(report.attempts, 1);
    assert.equal(s.mails.length, 1);
    const mail = s.mails[0]!;
    assert.equal(mail.from, 'exposure@example.org');
    assert.deepEqual(mail.to, ['pacs-admin@example.org', 'security@example.org']);
    assert.match(mail.raw, /Subject: Exposure, scope radiology: 1 fixed \(high or worse\), run 2/);
    assert.match(mail.raw, /Fixed: no longer found \(1\)/);
    assert.deepEqual(attachedJson(mail.raw), ALERT);
  });

  it('logs in with the user and password the environment names', async () => {
    const s = await smtp(undefined, {
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === 'watcher' && auth.password === 'from-the-env') return callback(null, { user: auth.username });
        return callback(new Error('wrong login'));
      },
    });
    const [channel] = alertChannels({ minSeverity: 'high', email: { ...config(s.port), userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASS' } }, { SMTP_USER: 'watcher', SMTP_PASS: 'from-the-env' });
    assert.equal(channel?.label, `e-mail to 2 addresses via ${IP}:${s.port}`);
    const report = await channel!.send(ALERT);
    assert.equal(report.delivered, true, report.detail);
    assert.equal(s.mails[0]?.user, 'watcher');
  });

  it('retries a temporary refusal, not a permanent one', async () => {
    const busy = await smtp((n) => (n === 1 ? { code: 451, text: 'try again later' } : undefined));
    const retried = await sendAlertEmail(config(busy.port), undefined, ALERT, '{}');
    assert.deepEqual([retried.delivered, retried.attempts], [true, 2]);
    assert.equal(busy.mails.length, 1);
    const refusing = await smtp(() => ({ code: 550, text: 'no such mailbox' }));
    const refused = await sendAlertEmail(config(refusing.port), undefined, ALERT, '{}');
    assert.deepEqual([refused.delivered, refused.attempts], [false, 1]);
    assert.match(refused.detail, /550/);
  });

  it('by default wants STARTTLS, and sends nothing to a server without it', async () => {
    const plain = await smtp();
    const report = await sendAlertEmail(config(plain.port, { tls: 'starttls', attempts: 1 }), undefined, ALERT, '{}');
    assert.equal(report.delivered, false);
    assert.match(report.detail, /STARTTLS/i);
    assert.equal(plain.mails.length, 0);
  });
});
