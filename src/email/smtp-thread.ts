import type { SendMailOptions } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { Worker } from 'node:worker_threads';

/** To the thread: mails to send, each with its number, or `close`. */
export type SmtpRequest = { id: number; mail: SendMailOptions }[] | 'close';
/** From the thread: how sends ended, by number. */
export type SmtpReply = { id: number; error?: { message: string; code?: string; responseCode?: number } }[];

interface Sending {
  resolve(): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Sending>;
  /** Mails handed over in this turn, posted together at its end. */
  outgoing: { id: number; mail: SendMailOptions }[];
}

/** A send's failure as nodemailer reports it: its SMTP reply code and error code, which classify it. */
export class SmtpSendError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly responseCode: number | undefined,
  ) {
    super(message);
  }
}

/**
 * nodemailer's SMTP pool in a worker thread of its own. Each mail is a few round trips with the SMTP server, and in
 * the requests' thread each reply waits for a turn of an event loop busy with the requests (a turn serves up to one
 * request per connection): under load, delivery got a few per cent of the turns. On its own thread a reply is read
 * as soon as it arrives, and building and streaming the MIME message costs the requests' thread nothing. Mails and
 * outcomes cross between the threads a turn's worth per message (one per mail cost measurable CPU). Started on the
 * first mail; a thread that dies fails the sends it had (they are retried) and the next mail starts another.
 */
export class SmtpThread {
  private current: Thread | undefined;
  private nextId = 0;

  constructor(private readonly options: SMTPPool.Options) {}

  send(mail: SendMailOptions): Promise<void> {
    const thread = (this.current ??= this.start());
    const id = this.nextId++;
    if (thread.outgoing.length === 0) {
      queueMicrotask(() => {
        thread.worker.postMessage(thread.outgoing satisfies SmtpRequest);
        thread.outgoing = [];
      });
    }
    thread.outgoing.push({ id, mail });
    return new Promise((resolve, reject) => thread.pending.set(id, { resolve, reject }));
  }

  /** Closes the pool once the mails handed to it are sent. */
  close(): void {
    this.current?.worker.postMessage('close' satisfies SmtpRequest);
    this.current = undefined;
  }

  private start(): Thread {
    const worker = new Worker(new URL('./smtp-thread.worker.js', import.meta.url), { workerData: this.options });
    const thread: Thread = { worker, pending: new Map(), outgoing: [] };
    worker.on('message', (replies: SmtpReply) => {
      for (const { id, error } of replies) {
        const sending = thread.pending.get(id);
        thread.pending.delete(id);
        if (error) sending?.reject(new SmtpSendError(error.message, error.code, error.responseCode));
        else sending?.resolve();
      }
    });
    const stopped = (reason: string) => {
      if (this.current === thread) this.current = undefined;
      for (const { reject } of thread.pending.values()) reject(new Error(`The SMTP thread stopped: ${reason}`));
      thread.pending.clear();
    };
    worker.on('error', (error) => stopped(error.message));
    worker.on('exit', (code) => stopped(`exit code ${code}`));
    // A process may end with the pool open (its connections idle): the thread must not keep it alive.
    worker.unref();
    return thread;
  }
}
