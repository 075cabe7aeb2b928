import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';
import { load, summarize, type LoadOptions, type LoadResult } from './load.js';
import { freePort, type ChildServer } from './servers.js';

// The email scenario, end to end: a sustained load of requests that each email a link, while the same process
// delivers them to a local SMTP sink; then how many mails had arrived by the end of the load (the backlog is the
// rest) and how long the rest took. One sink serves every target: each sends from its own address.

/** An SMTP server that accepts and discards, counting mails by their envelope sender. */
export interface MailSink {
  url: string;
  /** Mails accepted from `from` so far. */
  count(from: string): number;
  /** When the last mail from `from` was accepted (performance.now()), or 0. */
  lastAt(from: string): number;
  close(): Promise<void>;
}

export async function startMailSink(): Promise<MailSink> {
  const counts = new Map<string, { mails: number; lastAt: number }>();
  const port = await freePort();
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const entry = counts.get(from) ?? { mails: 0, lastAt: 0 };
        entry.mails++;
        entry.lastAt = performance.now();
        counts.set(from, entry);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => sink.listen(port, '127.0.0.1', () => resolve()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    count: (from) => counts.get(from)?.mails ?? 0,
    lastAt: (from) => counts.get(from)?.lastAt ?? 0,
    close: () => new Promise<void>((resolve) => sink.close(() => resolve())),
  };
}

/** How long no new mail must arrive before a load's mail is taken as all in. */
const SETTLE_MS = 1000;

/** What one sustained email load measured. */
export interface EmailResult {
  /** The accepted requests: rate, latencies, CPU per accepted request (deliveries meanwhile included). */
  load: LoadResult;
  accepted: number;
  /** Mails in the sink when the load ended, and per second of the load. */
  deliveredDuringLoad: number;
  mailsPerSecond: number;
  /** Accepted but not yet in the sink when the load ended. */
  backlog: number;
  /** From the end of the load to the last mail (0 when none was left). */
  drainSeconds: number;
  /**
   * Mails that arrived by the deadline: at least `accepted` when none was lost, and up to one per connection more
   * (requests in flight when the load stopped are not counted as accepted, yet they send their mail).
   */
  delivered: number;
  /** The server's CPU from the start of the load to its last mail, per mail: request and delivery together. */
  cpuMsPerMail: number | undefined;
}

/**
 * Runs `options` for its `seconds`, then waits (up to `drainLimitSeconds`) for the sink to have a mail from `from`
 * for every accepted request. Mails from `from` already in the sink (a warm-up) are not counted.
 */
export async function sustainedEmail(
  server: ChildServer,
  sink: MailSink,
  from: string,
  options: LoadOptions,
  drainLimitSeconds: number,
): Promise<EmailResult> {
  const before = sink.count(from);
  const cpuBefore = server.cpuSeconds();
  const sample = await load(options);
  const loadEnded = performance.now();
  const cpuAfterLoad = server.cpuSeconds();
  if (cpuBefore !== undefined && cpuAfterLoad !== undefined) sample.cpuSeconds = cpuAfterLoad - cpuBefore;
  const deliveredDuringLoad = sink.count(from) - before;
  const deadline = loadEnded + drainLimitSeconds * 1000;
  while (sink.count(from) - before < sample.succeeded && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Requests still in flight when the load stopped were not counted as accepted, but their mails come too: let
  // them arrive, so that they are not counted in the next load.
  while (performance.now() - sink.lastAt(from) < SETTLE_MS && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const delivered = sink.count(from) - before;
  const cpuDelivered = server.cpuSeconds();
  const backlog = Math.max(0, sample.succeeded - deliveredDuringLoad);
  return {
    load: summarize([sample]),
    accepted: sample.succeeded,
    deliveredDuringLoad,
    mailsPerSecond: deliveredDuringLoad / options.seconds,
    backlog,
    drainSeconds: backlog > 0 ? Math.max(0, (sink.lastAt(from) - loadEnded) / 1000) : 0,
    delivered,
    cpuMsPerMail:
      cpuBefore !== undefined && cpuDelivered !== undefined && delivered > 0
        ? ((cpuDelivered - cpuBefore) * 1000) / delivered
        : undefined,
  };
}

/** A throwaway redis-server on a free port of 127.0.0.1, for the gateway's Bull queue. */
export async function startRedis(cleanups: (() => Promise<void> | void)[]): Promise<string> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], {
    stdio: 'ignore',
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  if (child.exitCode !== null) throw new Error('redis-server could not start (Debian package redis-server)');
  return `redis://127.0.0.1:${port}`;
}
