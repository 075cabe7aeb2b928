import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Transporter } from 'nodemailer';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import type { RenderedMail } from './email-templates.service.js';
import { SmtpThread } from './smtp-thread.js';

export interface OutgoingMail extends RenderedMail {
  /** The delivery's id: names the outbox file and makes the Message-ID, the same on every attempt. */
  deliveryId: string;
  to: string;
  /** The link, for the console in outbox mode. */
  link: string;
}

/**
 * Hands mail to SMTP through nodemailer (on a thread of its own, see `SmtpThread`), or, with no SMTP configured, writes it to the outbox folder as an `.eml`
 * file and prints its link, so a newcomer can click it. nodemailer builds and encodes every header itself.
 */
@Injectable()
export class MailTransportService implements OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  /** SMTP: nodemailer's pool, on a thread of its own. */
  private readonly smtp: SmtpThread | undefined;
  /** No SMTP: the outbox folder, where nodemailer writes each message. */
  private readonly outboxDir: string | undefined;
  /**
   * nodemailer, loaded on the first mail to the outbox: the requests' thread needs it for nothing else (SMTP runs
   * on its own thread), and loaded it holds about 3 MB of heap in an idle process.
   */
  private outboxTransporter: Promise<Transporter> | undefined;

  constructor(@InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions) {
    const { smtpUrl, sendTimeoutMs } = options.email;
    if (smtpUrl) {
      const url = new URL(smtpUrl);
      this.smtp = new SmtpThread({
        host: url.hostname,
        port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
        secure: url.protocol === 'smtps:',
        // Connections are kept and reused: a new SMTP handshake per mail capped delivery at ~25 mails/s.
        pool: true,
        maxConnections: options.email.concurrency,
        auth: url.username
          ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
          : undefined,
        // A send that hangs must end well within the delivery's claim, so it can be retried.
        connectionTimeout: sendTimeoutMs,
        greetingTimeout: sendTimeoutMs,
        socketTimeout: sendTimeoutMs,
      });
    } else {
      this.outboxDir = resolve(options.email.outboxDir);
    }
  }

  /** Sends one mail; resolves with its Message-ID once the SMTP server accepted it (or the file is written). */
  async send(mail: OutgoingMail): Promise<string> {
    const messageId = `<${mail.deliveryId}@magic-links>`;
    const message = {
      from: this.options.email.from,
      to: mail.to,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      messageId,
      disableFileAccess: true,
      disableUrlAccess: true,
    };
    if (this.smtp) {
      await this.smtp.send(message);
      return messageId;
    }
    this.outboxTransporter ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }),
    );
    const info = (await (await this.outboxTransporter).sendMail(message)) as { message: Buffer };
    const dir = this.outboxDir!;
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${mail.deliveryId}.eml`);
    // Written whole then renamed: a reader never sees half a mail, and a retry overwrites, never duplicates.
    await writeFile(`${file}.tmp`, info.message);
    await rename(`${file}.tmp`, file);
    this.logger.warn(
      `No SMTP transport (email.smtpUrl): the mail to ${mail.to} was written to ${file}. Its magic link (development only): ${mail.link}`,
    );
    return messageId;
  }

  async onApplicationShutdown(): Promise<void> {
    this.smtp?.close();
    (await this.outboxTransporter)?.close();
  }
}
