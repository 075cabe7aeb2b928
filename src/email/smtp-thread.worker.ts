import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { parentPort, workerData } from 'node:worker_threads';
import type { SmtpReply, SmtpRequest } from './smtp-thread.js';

/**
 * The SMTP thread (see `SmtpThread`): sends the mails it is given through one pooled nodemailer transport and
 * answers each with its outcome.
 */
const port = parentPort!;
const transporter = nodemailer.createTransport(workerData as SMTPPool.Options);

port.on('message', (request: SmtpRequest) => {
  if (request === 'close') {
    transporter.close();
    port.close();
    return;
  }
  transporter.sendMail(request.mail).then(
    () => port.postMessage({ id: request.id } satisfies SmtpReply),
    (error: unknown) => {
      const { message, code, responseCode } = error as { message?: unknown; code?: unknown; responseCode?: unknown };
      const failure = {
        message: String(message ?? error),
        code: typeof code === 'string' ? code : undefined,
        responseCode: typeof responseCode === 'number' ? responseCode : undefined,
      };
      port.postMessage({ id: request.id, error: failure } satisfies SmtpReply);
    },
  );
});
