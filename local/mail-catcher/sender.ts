import nodemailer from 'nodemailer';
import { invitationMail } from '#shared/domain/invitation-message.ts';

/** What the local stack sends mail with: SMTP to the mail catcher (nodemailer), from the stack's sender address. */
export interface LocalMailer {
  sendInvitation(email: string, temporaryPassword: string): Promise<void>;
}

export const LOCAL_MAIL_FROM = 'PromptPulse <no-reply@promptpulse.local>';

export function localMailer(smtp: { host: string; port: number }): LocalMailer {
  // Plain SMTP on the loopback interface: the catcher offers no TLS and no authentication.
  const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
  return {
    async sendInvitation(email, temporaryPassword) {
      const { subject, text } = invitationMail(email, temporaryPassword);
      await transport.sendMail({ from: LOCAL_MAIL_FROM, to: email, subject, text });
    },
  };
}
