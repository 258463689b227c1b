import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MAX_MESSAGE_BYTES, type MailCatcher, startMailCatcher } from '../../../local/mail-catcher/index.ts';
import { INVITATION_MESSAGE } from '../../../shared/domain/invitation-message.ts';
import { call } from '../../support/api.ts';
import { signInWithPassword } from '../../support/oidc-flow.ts';
import { freshAccount, ownerOfNewWorkspace } from '../../support/sessions.ts';

const stack = inject('stack');

interface Caught {
  id: string;
  to: string[];
  subject: string;
  text: string;
}

async function mailTo(mailUrl: string, address: string, timeoutMs = 10_000): Promise<Caught> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { messages } = (await (await fetch(`${mailUrl}/messages.json`)).json()) as { messages: Caught[] };
    const found = messages.filter((m) => m.to.includes(address)).at(-1);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail to ${address} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('invitation mail through the local mail catcher (SMTP, as Cognito mails through SES)', () => {
  it('an invited member finds the temporary password in the mail and signs in with it', async () => {
    const account = await freshAccount(stack, 'mail-owner');
    const workspace = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Mail Co');
    const email = `invited-by-mail-${Date.now()}@example.com`;
    const invited = await call(stack.apiUrl, 'POST', '/members', {
      token: workspace.token,
      body: { email, role: 'viewer' },
    });
    expect(invited.status, JSON.stringify(invited.json)).toBe(201);

    const mail = await mailTo(stack.mailUrl, email);
    expect(mail.subject).toBe(INVITATION_MESSAGE.subject);
    const password = /temporary password (\S+)/.exec(mail.text)?.[1];
    expect(password).toBe(readFileSync(join(stack.invitationsDir, email), 'utf8'));
    expect(mail.text).toContain(email);
    const tokens = await signInWithPassword(stack.url, email, password ?? '');
    expect(tokens.access_token).toBeTruthy();

    const page = await (await fetch(`${stack.mailUrl}/messages/${mail.id}`)).text();
    expect(page).toContain(INVITATION_MESSAGE.subject);
  });
});

describe('mail catcher as an SMTP server', () => {
  let catcher: MailCatcher;
  const transport = () =>
    nodemailer.createTransport({ host: catcher.smtpHost, port: catcher.smtpPort, secure: false, ignoreTLS: true });
  beforeAll(async () => {
    catcher = await startMailCatcher();
  });
  afterAll(async () => {
    await catcher.stop();
  });

  it('refuses a message over its size limit with SMTP 552 and keeps what it had', async () => {
    await transport().sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'small', text: 'hello' });
    const huge = 'x'.repeat(MAX_MESSAGE_BYTES + 10_000);
    await expect(
      transport().sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'huge', text: huge }),
    ).rejects.toMatchObject({ responseCode: 552 });
    expect(catcher.messages().map((m) => m.subject)).toEqual(['small']);
  });

  it('shows a message as escaped text, never as markup', async () => {
    await transport().sendMail({
      from: 'a@example.com',
      to: 'c@example.com',
      subject: '<script>alert(1)</script>',
      text: '<img src=x onerror=alert(1)>',
      html: '<b>bold</b><script>alert(2)</script>',
    });
    const mail = catcher.latestTo('c@example.com');
    const page = await (await fetch(`${catcher.url}/messages/${mail?.id}`)).text();
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const list = await (await fetch(catcher.url)).text();
    expect(list).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect((await fetch(`${catcher.url}/messages/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
  });
});
