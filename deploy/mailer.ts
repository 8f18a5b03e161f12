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
