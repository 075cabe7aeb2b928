import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { parentPort, workerData } from 'node:worker_threads';
import type { SmtpReply, SmtpRequest } from './smtp-thread.js';

/**
 * The SMTP thread (see `SmtpThread`): sends the mails it is given through one pooled nodemailer transport and
 * answers with their outcomes, those of a turn in one message.
 */
const port = parentPort!;
const transporter = nodemailer.createTransport(workerData as SMTPPool.Options);
let replies: SmtpReply = [];

function reply(outcome: SmtpReply[number]): void {
  if (replies.length === 0) {
    setImmediate(() => {
      port.postMessage(replies);
      replies = [];
    });
  }
  replies.push(outcome);
}

port.on('message', (request: SmtpRequest) => {
  if (request === 'close') {
    // The mails being sent still get their answers; then nothing keeps the thread alive.
    transporter.close();
    port.unref();
    return;
  }
  for (const { id, mail } of request) {
    transporter.sendMail(mail).then(
      () => reply({ id }),
      (error: unknown) => {
        const { message, code, responseCode } = error as { message?: unknown; code?: unknown; responseCode?: unknown };
        reply({
          id,
          error: {
            message: String(message ?? error),
            code: typeof code === 'string' ? code : undefined,
            responseCode: typeof responseCode === 'number' ? responseCode : undefined,
          },
        });
      },
    );
  }
});
