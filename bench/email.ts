import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';
import { load, summarize } from './load.js';
import type { Row } from './report.js';
import { freePort, startServer, type ChildServer } from './servers.js';

// The email scenario (BENCH_SCENARIOS=email): accepted `send` requests/s at the configured connections with Redis
// and a local SMTP sink, beside the foundation's baseline create on the same database in the same run; then
// delivered mails/s, from the start of the send load until the sink has every accepted mail.

export interface EmailBenchContext {
  databaseUrl: string;
  workDir: string;
  seconds: number;
  connections: number;
  users: number;
  logLevel: string;
  /** Where to write a V8 CPU profile of the gateway during the send load and the delivery after it. */
  cpuProfileDir: string | undefined;
  env: Record<string, string>;
  headers: Record<string, string>;
  cleanups: (() => Promise<void> | void)[];
  progress(message: string): void;
}

export interface EmailBenchResult {
  row: Row;
  /** Mails the sink accepted, per second, from the start of the send load to the last one. */
  mailsPerSecond: number;
  mails: number;
  /** The gateway's CPU time from the start of the send load to the last mail, per mail (request and delivery). */
  cpuMsPerMail: number | undefined;
}

export async function benchEmail(context: EmailBenchContext): Promise<EmailBenchResult> {
  const { progress } = context;
  progress('email: starting Redis, an SMTP sink, the gateway and the baseline');
  const redisUrl = await startRedis(context);
  let accepted = 0;
  let lastMailAt = 0;
  const sinkPort = await freePort();
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        accepted++;
        lastMailAt = performance.now();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => sink.listen(sinkPort, '127.0.0.1', () => resolve()));
  context.cleanups.push(() => new Promise<void>((resolve) => sink.close(() => resolve())));

  const gateway = await startServer({
    name: 'gateway-email',
    script: 'dist/src/gateway/main.js',
    env: {
      ...context.env,
      DATABASE_URL: context.databaseUrl,
      REDIS_URL: redisUrl,
      SMTP_URL: `smtp://127.0.0.1:${sinkPort}`,
      // Far above what the load sends per address, so that every request is a send.
      RATE_LIMIT_PER_EMAIL: '1000000000/60',
      RATE_LIMIT_PER_EMAIL_HOURLY: '1000000000/3600',
      RATE_LIMIT_EMAIL_PER_IP: '1000000000/60',
    },
    readyPath: '/health',
    logDir: context.workDir,
    profiling: context.cpuProfileDir !== undefined,
  });
  context.cleanups.push(() => gateway.stop());
  const baseline = await startServer({
    name: 'baseline-email',
    script: 'dist/bench/baseline-main.js',
    env: { DATABASE_URL: context.databaseUrl, BASELINE_TOKEN_HASH_KEY: context.env.MAGIC_LINKS_TOKEN_HASH_KEY },
    readyPath: '/',
    logDir: context.workDir,
  });
  context.cleanups.push(() => baseline.stop());

  const users = await seed(context, gateway);
  progress(`email: baseline create, ${context.seconds} s`);
  const baselineSample = await load({
    url: baseline.url,
    path: '/v1/magic_links',
    connections: context.connections,
    headers: context.headers,
    body: (index) => JSON.stringify({ user_id: users[index % users.length].userId }),
    seconds: context.seconds,
  });

  progress(`email: gateway send, ${context.seconds} s`);
  const started = performance.now();
  const cpuBefore = gateway.cpuSeconds();
  let cpuMsPerMail: number | undefined;
  const sendSample = await gateway.profile(
    join(context.cpuProfileDir ?? '.', 'gateway-email-send.cpuprofile'),
    async () => {
      const sample = await load({
        url: gateway.url,
        path: '/v1/magic_links/email/send',
        connections: context.connections,
        headers: context.headers,
        body: (index) => JSON.stringify({ email: users[index % users.length].email }),
        seconds: context.seconds,
      });
      const cpuAfter = gateway.cpuSeconds();
      if (cpuBefore !== undefined && cpuAfter !== undefined) sample.cpuSeconds = cpuAfter - cpuBefore;

      progress(`email: waiting for ${sample.succeeded} mails`);
      const deadline = performance.now() + 600_000;
      while (accepted < sample.succeeded && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (accepted < sample.succeeded) {
        throw new Error(`only ${accepted} of ${sample.succeeded} mails arrived:\n${gateway.logTail()}`);
      }
      const cpuDelivered = gateway.cpuSeconds();
      if (cpuBefore !== undefined && cpuDelivered !== undefined) {
        cpuMsPerMail = ((cpuDelivered - cpuBefore) * 1000) / accepted;
      }
      return sample;
    },
  );
  const mailsPerSecond = accepted / ((lastMailAt - started) / 1000);
  return {
    row: {
      scenario: 'email send vs create',
      database: 'postgres',
      gateway: summarize([sendSample]),
      baseline: summarize([baselineSample]),
    },
    mailsPerSecond,
    mails: accepted,
    cpuMsPerMail,
  };
}

async function seed(context: EmailBenchContext, gateway: ChildServer): Promise<{ userId: string; email: string }[]> {
  context.progress(`email: creating ${context.users} users`);
  const users: { userId: string; email: string }[] = [];
  await load({
    url: gateway.url,
    path: '/v1/users',
    connections: context.connections,
    headers: context.headers,
    body: (index) => JSON.stringify({ email: `bench-mail-${index}@example.com` }),
    seconds: 180,
    amount: context.users,
    onResponse: (status, body) => {
      if (status !== 200) return;
      const { user_id, user } = JSON.parse(body) as { user_id: string; user: { emails: { email: string }[] } };
      users.push({ userId: user_id, email: user.emails[0].email });
    },
  });
  if (users.length !== context.users) throw new Error('creating the users of the email scenario failed');
  return users;
}

async function startRedis(context: EmailBenchContext): Promise<string> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], {
    stdio: 'ignore',
  });
  context.cleanups.push(
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
