import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * The local stack's mail catcher: an SMTP server (smtp-server) that accepts every message the product sends locally —
 * invitations with their temporary password, notifications — parses it (mailparser) and lists it on a small page, as
 * the local CRM receiver does for CRM tasks. Nothing is relayed anywhere. In AWS, Cognito sends through SES
 * (docs/deploy.md, Mail).
 */
export interface CaughtMail {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** The HTML part as sent; the page shows it only as text inside a sandboxed frame. */
  html: string | null;
}

export interface MailCatcher {
  /** The page listing the messages (`GET /`), `GET /messages.json`, `GET /messages/<id>`. */
  url: string;
  smtpHost: string;
  smtpPort: number;
  messages(): CaughtMail[];
  /** The newest message to `address`, if any (tests and the demo read temporary passwords from it). */
  latestTo(address: string): CaughtMail | undefined;
  stop(): Promise<void>;
}

/** SMTP's own limit on a message here (RFC 1870 SIZE): larger messages are refused with 552 before the data. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Messages kept in memory; the oldest go first. */
const MAX_MESSAGES = 500;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const addressesOf = (value: unknown): string[] => {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((entry: { value?: { address?: string }[] }) =>
    (entry.value ?? []).map((a) => (a.address ?? '').toLowerCase()).filter(Boolean),
  );
};

export async function startMailCatcher(
  options: { smtpPort?: number; httpPort?: number; log?: (line: string) => void } = {},
): Promise<MailCatcher> {
  const caught: CaughtMail[] = [];

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: MAX_MESSAGE_BYTES,
    banner: 'PromptPulse local mail catcher',
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream, { skipImageLinks: true })
        .then((parsed) => {
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
            const error = new Error(`Message exceeds the ${MAX_MESSAGE_BYTES}-byte limit`) as Error & {
              responseCode: number;
            };
            error.responseCode = 552;
            return callback(error);
          }
          const envelopeTo = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          const mail: CaughtMail = {
            id: randomUUID(),
            receivedAt: new Date().toISOString(),
            from: addressesOf(parsed.from)[0] ?? (session.envelope.mailFrom || { address: '' }).address,
            to: envelopeTo.length > 0 ? envelopeTo : addressesOf(parsed.to),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : null,
          };
          caught.push(mail);
          if (caught.length > MAX_MESSAGES) caught.shift();
          options.log?.(`Mail to ${mail.to.join(', ')}: ${mail.subject}`);
          callback();
        })
        .catch((error: unknown) => {
          const refusal = new Error(`Unreadable message: ${(error as Error).message}`) as Error & {
            responseCode: number;
          };
          refusal.responseCode = 554;
          callback(refusal);
        });
    },
  });
  // A client that drops the connection mid-message is its own problem, not the stack's.
  smtp.on('error', (error) => options.log?.(`Mail catcher: ${error.message}`));
  await new Promise<void>((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(options.smtpPort ?? 0, '127.0.0.1', () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const html = (res: ServerResponse, status: number, title: string, body: string) => {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    });
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
        '<style>body{font:14px system-ui;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;' +
        'padding:.3rem .6rem;text-align:left}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}</style></head>' +
        `<body>${body}</body></html>`,
    );
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'GET') return void res.writeHead(405, { allow: 'GET' }).end();
    if (path === '/messages.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ messages: caught }));
    }
    const one = /^\/messages\/([0-9a-f-]{36})$/.exec(path);
    if (one) {
      const mail = caught.find((m) => m.id === one[1]);
      if (!mail) return html(res, 404, 'Not found', '<h1>No such message</h1><p><a href="/">All messages</a></p>');
      return html(
        res,
        200,
        mail.subject,
        `<p><a href="/">All messages</a></p><h1>${escapeHtml(mail.subject)}</h1>` +
          `<p>From ${escapeHtml(mail.from)} to ${escapeHtml(mail.to.join(', '))}, ${escapeHtml(mail.receivedAt)}</p>` +
          `<pre>${escapeHtml(mail.text)}</pre>`,
      );
    }
    if (path !== '/') return html(res, 404, 'Not found', '<h1>Not found</h1>');
    const rows = [...caught]
      .reverse()
      .map(
        (m) =>
          `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to.join(', '))}</td>` +
          `<td><a href="/messages/${m.id}">${escapeHtml(m.subject || '(no subject)')}</a></td></tr>`,
      )
      .join('');
    return html(
      res,
      200,
      'Local mail',
      `<h1>Local mail</h1><p>${caught.length} message(s) sent by the local stack (SMTP 127.0.0.1:${smtpPort}).</p>` +
        `<table><thead><tr><th>Received</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.httpPort ?? 0, '127.0.0.1', () => resolve());
  });
  const httpPort = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${httpPort}`,
    smtpHost: '127.0.0.1',
    smtpPort,
    messages: () => [...caught],
    latestTo: (address) => [...caught].reverse().find((m) => m.to.includes(address.toLowerCase())),
    stop: async () => {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
