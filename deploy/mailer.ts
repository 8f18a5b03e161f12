/** E-mail over SMTP with nodemailer, for the notification activities. */
import nodemailer from 'nodemailer';
import type { Mailer } from '../activities/kernel/notify.js';

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
 * For the embedded (development and demo) system without SMTP: every e-mail — invitations,
 * password resets, SLA escalations, rating links — is printed to the terminal as a framed block,
 * so its links can be followed on this machine and it stands out from log lines.
 */
export function createTerminalMailer(write: (text: string) => void = console.log): Mailer {
  return {
    async send(m) {
      const rule = '─'.repeat(72);
      const lines = [
        `✉  To: ${m.to}`,
        `   Subject: ${m.subject}`,
        '',
        ...m.text
          .trimEnd()
          .split('\n')
          .map((l) => `   ${l}`),
      ];
      write(`\n┌${rule}\n${lines.map((l) => `│ ${l}`).join('\n')}\n└${rule}`);
    },
  };
}
