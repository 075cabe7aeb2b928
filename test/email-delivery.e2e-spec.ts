import Bull from 'bull';
import { Redis } from 'ioredis';
import {
  DATABASES,
  expectStytchError,
  freshDatabaseUrl,
  queryDatabase,
  startGateway,
  type RunningGateway,
} from './support/gateway.js';
import { startRedis, type RedisServer } from './support/redis.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

/** Short retry and sweep times, so that outages are recovered within the test's patience. */
const FAST_DELIVERY = {
  MAIL_RETRY_BASE_DELAY_MS: '250',
  MAIL_RETRY_MAX_DELAY_MS: '2000',
  MAIL_RETRY_ATTEMPTS: '30',
  MAIL_SWEEP_INTERVAL_MS: '500',
  MAIL_SEND_TIMEOUT_MS: '2000',
  RATE_LIMIT_PER_IP: '100000/60',
  RATE_LIMIT_EMAIL_PER_IP: '100000/60',
};

/** Every address got exactly one mail, and nobody else got any. */
function expectExactlyOnce(sink: SmtpSink, addresses: string[]): void {
  const counts = new Map<string, number>();
  for (const mail of sink.mails) counts.set(mail.to, (counts.get(mail.to) ?? 0) + 1);
  expect([...counts.entries()].filter(([, count]) => count !== 1)).toEqual([]);
  expect([...counts.keys()].sort()).toEqual([...addresses].sort());
}

async function createUsers(gateway: RunningGateway, addresses: string[]): Promise<void> {
  for (const email of addresses) expect((await gateway.request('POST', '/v1/users', { email })).status).toBe(200);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bull's keys for the gateway's email queue. */
const JOB_KEYS = 'magic-links:magic-links-email';

/** The id of the job waiting in Bull's paused list: a request queues its job just after it answers. */
async function pausedJobId(client: Redis): Promise<string> {
  for (let waited = 0; ; waited += 20) {
    const [jobId] = await client.lrange(`${JOB_KEYS}:paused`, 0, -1);
    if (jobId) return jobId;
    if (waited > 10_000) throw new Error('the send queued no job');
    await sleep(20);
  }
}

describe('Email delivery under failures (real Redis, PostgreSQL and SMTP)', () => {
  let redis: RedisServer;
  let sink: SmtpSink;
  let gateways: RunningGateway[] = [];
  const start = async (databaseUrl: string, env: Record<string, string> = {}) => {
    const gateway = await startGateway(
      { url: databaseUrl },
      { REDIS_URL: redis.url, SMTP_URL: sink.url, ...FAST_DELIVERY, ...env },
    );
    gateways.push(gateway);
    return gateway;
  };

  beforeEach(async () => {
    redis = await startRedis();
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    gateways = [];
    await sink.stop();
    await redis.stop();
  });

  it('Redis killed with SIGKILL and restarted during 200 sends: each accepted send is mailed exactly once', async () => {
    const gateway = await start(await freshDatabaseUrl('postgres'));
    const addresses = Array.from({ length: 200 }, (_, index) => `redis-crash-${index}@example.com`);
    await createUsers(gateway, addresses);

    const accepted: string[] = [];
    const statuses: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < addresses.length) {
        const email = addresses[next++];
        const response = await gateway.request('POST', '/v1/magic_links/email/send', { email });
        statuses.push(response.status);
        if (response.status === 200) accepted.push(email);
        else expectStytchError(response, 503, 'server_unavailable');
        await sleep(10);
      }
    };
    const chaos = async () => {
      while (next < 60) await sleep(5);
      await redis.kill();
      await sleep(1500);
      redis = await startRedis(redis.port);
    };
    await Promise.all([...Array.from({ length: 8 }, worker), chaos()]);

    expect(statuses).toHaveLength(200);
    expect(accepted.length).toBeGreaterThan(60);
    // The outage was felt: while Redis was down the rate limiter could not count, and refused with 503.
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
    await sink.waitForMails(accepted.length, 60_000);
    // Long enough for any stray duplicate (a second sweep, a stalled job) to arrive.
    await sleep(3000);
    expectExactlyOnce(sink, accepted);
    const rows = await queryDatabase<{ status: string; count: string }>(
      gateway.databaseUrl,
      'SELECT status, COUNT(*) AS count FROM email_deliveries GROUP BY status',
    );
    expect(rows).toEqual([{ status: 'sent', count: String(accepted.length) }]);
  }, 180_000);

  it('SMTP down for 20 s: the mail is retried with back-off and delivered once', async () => {
    const gateway = await start(await freshDatabaseUrl('postgres'));
    const addresses = Array.from({ length: 5 }, (_, index) => `smtp-down-${index}@example.com`);
    await sink.stop();
    for (const email of addresses) {
      expect((await gateway.request('POST', '/v1/magic_links/email/login_or_create', { email })).status).toBe(200);
    }
    await sleep(20_000);
    const waiting = await queryDatabase<{ status: string; attempts: number; last_error: string }>(
      gateway.databaseUrl,
      'SELECT status, attempts, last_error FROM email_deliveries',
    );
    expect(waiting).toHaveLength(5);
    for (const row of waiting) {
      expect(row.status).toMatch(/^(queued|sending)$/);
      expect(row.attempts).toBeGreaterThan(3);
      expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);
    }
    await sink.start();
    await sink.waitForMails(5, 20_000);
    await sleep(2000);
    expectExactlyOnce(sink, addresses);
  }, 90_000);

  it('a worker killed mid-delivery: after the restart the mail is delivered once', async () => {
    const databaseUrl = await freshDatabaseUrl('postgres');
    const first = await start(databaseUrl);
    sink.hangNext(1);
    const email = 'killed-worker@example.com';
    expect((await first.request('POST', '/v1/magic_links/email/login_or_create', { email })).status).toBe(200);
    // The worker has handed the whole message to SMTP and waits for the server's answer: kill it there.
    for (let waited = 0; sink.hung() < 1; waited += 50) {
      if (waited > 10_000) throw new Error('the delivery never reached the SMTP server');
      await sleep(50);
    }
    first.process.kill('SIGKILL');
    await first.exited;
    const [claimed] = await queryDatabase<{ status: string; attempts: number }>(
      databaseUrl,
      'SELECT status, attempts FROM email_deliveries',
    );
    expect(claimed).toEqual({ status: 'sending', attempts: 1 });
    expect(sink.mails).toHaveLength(0);

    const second = await start(databaseUrl);
    // The dead worker's claim runs out, then the sweeper hands the delivery to the new process.
    await sink.waitForMails(1, 30_000);
    await sleep(2000);
    expectExactlyOnce(sink, [email]);
    const [sent] = await queryDatabase<{ status: string; attempts: number }>(
      second.databaseUrl,
      'SELECT status, attempts FROM email_deliveries',
    );
    expect(sent).toEqual({ status: 'sent', attempts: 2 });
  }, 90_000);

  it.each(DATABASES)(
    '%s: a Bull job whose hash a restarted Redis re-created without data, in no list, is delivered once by the next sweep',
    async (kind) => {
      // Long enough for the test to make the Redis state before the delivery is overdue, whatever the machine's load.
      const gateway = await start(await freshDatabaseUrl(kind), { MAIL_SWEEP_INTERVAL_MS: '2000' });
      const email = `orphaned-job-${kind}@example.com`;
      await createUsers(gateway, [email]);
      // Bull's global pause parks new jobs in its `paused` list, where no worker takes them before the test is done.
      const queue = new Bull('magic-links-email', redis.url, { prefix: 'magic-links' });
      const client = new Redis(redis.url);
      try {
        await queue.pause();
        expect((await gateway.request('POST', '/v1/magic_links/email/send', { email })).status).toBe(200);
        const jobId = await pausedJobId(client);
        expect(jobId).toMatch(/^email-delivery-test-.*:0$/);
        // What a worker's `moveToActive`, replayed on the emptied Redis after a crash, leaves: the job's lock and a
        // hash holding only `processedOn` (no data, no options), and the job id in no list.
        await client
          .multi()
          .lrem(`${JOB_KEYS}:paused`, 0, jobId)
          .del(`${JOB_KEYS}:${jobId}`)
          .set(`${JOB_KEYS}:${jobId}:lock`, 'lost-worker', 'PX', 30_000)
          .hset(`${JOB_KEYS}:${jobId}`, 'processedOn', String(Date.now()))
          .exec();
        await queue.resume();

        // The delivery is overdue one sweep interval after it was due, and delivered by the sweep after that.
        await sink.waitForMails(1, 15_000);
        await sleep(2000);
        expectExactlyOnce(sink, [email]);
        const rows = await queryDatabase<{ status: string; attempts: number }>(
          gateway.databaseUrl,
          'SELECT status, attempts FROM email_deliveries',
        );
        expect(rows).toEqual([{ status: 'sent', attempts: 1 }]);
      } finally {
        client.disconnect();
        await queue.close();
      }
    },
    60_000,
  );

  it('a Bull job whose hash lost its data is delivered by the worker that takes it, not dropped as done', async () => {
    // No sweep after the one at start: only the worker can deliver this mail.
    const gateway = await start(await freshDatabaseUrl('postgres'), { MAIL_SWEEP_INTERVAL_MS: '3600000' });
    const email = 'job-without-data@example.com';
    await createUsers(gateway, [email]);
    const queue = new Bull('magic-links-email', redis.url, { prefix: 'magic-links' });
    const client = new Redis(redis.url);
    try {
      await queue.pause();
      expect((await gateway.request('POST', '/v1/magic_links/email/send', { email })).status).toBe(200);
      const jobId = await pausedJobId(client);
      // The job stays listed, but its hash is what a replayed `moveToActive` leaves: `processedOn` and nothing else.
      await client
        .multi()
        .del(`${JOB_KEYS}:${jobId}`)
        .hset(`${JOB_KEYS}:${jobId}`, 'processedOn', String(Date.now()))
        .exec();
      await queue.resume();

      await sink.waitForMails(1, 10_000);
      expectExactlyOnce(sink, [email]);
    } finally {
      client.disconnect();
      await queue.close();
    }
  }, 60_000);

  it('two gateways sharing PostgreSQL and Redis: the per-email limit holds across both, each send is mailed once', async () => {
    const databaseUrl = await freshDatabaseUrl('postgres');
    const env = { RATE_LIMIT_PER_EMAIL: '1/5' };
    const [one, two] = [await start(databaseUrl, env), await start(databaseUrl, env)];
    const shared = 'shared-limit@example.com';
    expect((await one.request('POST', '/v1/magic_links/email/login_or_create', { email: shared })).status).toBe(200);
    expectStytchError(
      await two.request('POST', '/v1/magic_links/email/send', { email: shared }),
      429,
      'too_many_requests',
    );
    expectStytchError(
      await two.request('POST', '/v1/magic_links/email/invite', { email: 'Shared-Limit@example.com' }),
      429,
      'too_many_requests',
    );

    const addresses = Array.from({ length: 40 }, (_, index) => `two-instances-${index}@example.com`);
    await Promise.all(
      addresses.map(async (email, index) => {
        const gateway = index % 2 === 0 ? one : two;
        expect((await gateway.request('POST', '/v1/magic_links/email/login_or_create', { email })).status).toBe(200);
      }),
    );
    await sink.waitForMails(41, 30_000);
    await sleep(2000);
    expectExactlyOnce(sink, [shared, ...addresses]);
  }, 90_000);
});
