/** A real SMTP server on loopback that keeps what it receives (for tests that read e-mail). */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  subject: string;
  messageId: string;
  /** The decoded plain-text body (quoted-printable soft breaks joined). */
  text: string;
}

export interface SmtpSink {
  url: string;
  mails: ReceivedMail[];
  /** Waits until a mail matching `pick` has arrived (or fails after `ms`). */
  waitFor(pick: (m: ReceivedMail) => boolean, ms?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

function decodeBody(raw: string): string {
  const split = raw.indexOf('\r\n\r\n');
  const body = split >= 0 ? raw.slice(split + 4) : raw;
  if (!/^Content-Transfer-Encoding: quoted-printable/im.test(raw.slice(0, split))) return body;
  const bytes = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, done) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw)?.[1]?.trim() ?? '';
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address).join(','),
          subject: header('Subject'),
          messageId: header('Message-ID'),
          text: decodeBody(raw),
        });
        done();
      });
    },
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    mails,
    async waitFor(pick, ms = 15_000) {
      const until = Date.now() + ms;
      for (;;) {
        const found = mails.find(pick);
        if (found) return found;
        if (Date.now() > until) {
          throw new Error(`no matching e-mail within ${ms} ms; got: ${mails.map((m) => m.subject).join(' | ')}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
