/** E-mail over SMTP with nodemailer, for the notification activities. */
import nodemailer from 'nodemailer';
import type { Mailer } from '../activities/notify.js';

/** A mailer for an `smtp://` / `smtps://` URL; messages come from `from`. */
export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(m) {
      await transport.sendMail({
        from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        messageId: m.messageId,
        headers: m.headers,
      });
    },
  };
}

/**
 * For the embedded (development and demo) system without SMTP: account e-mails — invitations,
 * password resets — are printed to the terminal, so their links can be followed on this machine.
 */
export function createTerminalMailer(write: (text: string) => void = console.log): Mailer {
  return {
    async send(m) {
      write(`\n✉  To: ${m.to}\n   Subject: ${m.subject}\n${m.text.replace(/^/gm, '   ')}`);
    },
  };
}
