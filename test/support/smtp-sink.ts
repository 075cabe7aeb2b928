import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './gateway.js';

export interface SinkMail {
  to: string;
  parsed: ParsedMail;
}

export interface SmtpSink {
  url: string;
  port: number;
  /** Mails accepted so far (the sink answered 250 to their DATA). */
  mails: SinkMail[];
  /** Mails to `address` accepted so far. */
  mailsTo(address: string): SinkMail[];
  /** Resolves once `count` mails were accepted; fails after `timeoutMs`. */
  waitForMails(count: number, timeoutMs?: number): Promise<void>;
  /**
   * The next `count` messages are read but never answered: the sending client waits, as it would on a stalled
   * server, until it gives up or dies. Such a message is not accepted (no 250), so it does not count as delivered.
   */
  hangNext(count: number): void;
  /** How many messages were left unanswered so far. */
  hung(): number;
  /** The next `count` messages are refused with `550 5.1.1 Mailbox unavailable` (a permanent failure). */
  rejectNext(count: number): void;
  /** How many messages were refused so far. */
  rejected(): number;
  /** Mail to `address` is refused (550 at RCPT TO) until `accept(address)`: a mailbox the server rejects. */
  reject(address: string): void;
  accept(address: string): void;
  /** Stops listening (connections are dropped): an SMTP outage. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

/** A real SMTP server (the `smtp-server` package) on a free port, parsing what it accepts with `mailparser`. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const port = await freePort();
  const mails: SinkMail[] = [];
  let toHang = 0;
  let hangingNow = 0;
  let toReject = 0;
  let rejectedNow = 0;
  const rejected = new Set<string>();
  let server: SMTPServer;

  const create = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (!rejected.has(address.address.toLowerCase())) return callback();
        callback(Object.assign(new Error('5.1.1 Mailbox unavailable'), { responseCode: 550 }));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (toHang > 0) {
            toHang--;
            hangingNow++;
            return; // never answered
          }
          if (toReject > 0) {
            toReject--;
            rejectedNow++;
            callback(Object.assign(new Error('5.1.1 Mailbox unavailable'), { responseCode: 550 }));
            return;
          }
          void simpleParser(Buffer.concat(chunks)).then((parsed) => {
            for (const recipient of session.envelope.rcptTo) mails.push({ to: recipient.address, parsed });
            callback();
          }, callback);
        });
      },
    });

  const start = () =>
    new Promise<void>((resolve, reject) => {
      server = create();
      server.on('error', () => undefined);
      server.listen(port, '127.0.0.1', () => resolve());
      server.server.once('error', reject);
    });
  await start();

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    mailsTo: (address) => mails.filter((mail) => mail.to.toLowerCase() === address.toLowerCase()),
    async waitForMails(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < count) {
        if (Date.now() > deadline) throw new Error(`${mails.length} of ${count} mails arrived within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    hangNext(count) {
      toHang = count;
    },
    hung: () => hangingNow,
    rejectNext(count) {
      toReject = count;
    },
    rejected: () => rejectedNow,
    reject: (address) => rejected.add(address.toLowerCase()),
    accept: (address) => rejected.delete(address.toLowerCase()),
    stop: () =>
      new Promise<void>((resolve) => {
        // Drop open connections too, as a crashed server would.
        for (const connection of (server as unknown as { connections: Set<{ close(): void }> }).connections ?? []) {
          connection.close();
        }
        server.close(() => resolve());
      }),
    start,
  };
}

/** The emailed link in a mail's text part, parsed. */
export function linkIn(mail: SinkMail): URL {
  const match = /https?:\/\/\S+\/v1\/magic_links\/redirect\?\S+/.exec(mail.parsed.text ?? '');
  if (!match) throw new Error(`no magic link in:\n${mail.parsed.text}`);
  return new URL(match[0]);
}
