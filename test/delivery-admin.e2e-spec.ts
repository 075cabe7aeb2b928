import { expectStytchError, startGateway, type DatabaseKind, type RunningGateway } from './support/gateway.js';
import { startRedis, type RedisServer } from './support/redis.js';
import { officialClient } from './support/sessions.js';
import { linkIn, startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

/**
 * One attempt per delivery and one send at a time: a refused mail fails at once, and a send that hangs keeps the
 * next delivery queued behind it, long enough to cancel it.
 */
const ONE_AT_A_TIME = {
  MAIL_RETRY_ATTEMPTS: '1',
  MAIL_CONCURRENCY: '1',
  MAIL_SEND_TIMEOUT_MS: '1500',
  RATE_LIMIT_EMAIL_PER_IP: '100000/60',
};

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (const deadline = Date.now() + 20_000; ;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function send(gateway: RunningGateway, email: string): Promise<void> {
  expect((await gateway.request('POST', '/v1/users', { email })).status).toBe(200);
  expect((await gateway.request('POST', '/v1/magic_links/email/send', { email })).status).toBe(200);
}

/** The one delivery to `email`, as the listing shows it. */
async function deliveryTo(gateway: RunningGateway, email: string): Promise<Record<string, any>> {
  const listed = await gateway.request('GET', `/v1/email_deliveries?email=${encodeURIComponent(email)}`);
  expect(listed.status).toBe(200);
  expect(listed.body.deliveries).toHaveLength(1);
  return listed.body.deliveries[0];
}

describe.each<[string, DatabaseKind, boolean]>([
  ['SQLite, in-process queue', 'sqlite', false],
  ['PostgreSQL, in-process queue', 'postgres', false],
  ['PostgreSQL, Bull on Redis', 'postgres', true],
])('Delivery administration API (%s)', (_name, database, bull) => {
  let sink: SmtpSink;
  let redis: RedisServer | undefined;
  let gateway: RunningGateway;

  beforeAll(async () => {
    sink = await startSmtpSink();
    redis = bull ? await startRedis() : undefined;
    gateway = await startGateway(database, {
      SMTP_URL: sink.url,
      ...ONE_AT_A_TIME,
      ...(redis && { REDIS_URL: redis.url }),
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await sink?.stop();
    await redis?.stop();
  });

  it('shows a refused mail with its error, and its retry makes the mail arrive exactly once', async () => {
    const email = 'refused@example.com';
    sink.reject(email);
    await send(gateway, email);
    const failed = await waitFor(
      () => deliveryTo(gateway, email),
      (delivery) => delivery.status === 'failed',
      'the refused delivery',
    );
    expect(failed).toMatchObject({ email, kind: 'login', attempt_count: 1, sent_at: null });
    expect(failed.last_error).toContain('550');
    const byStatus = await gateway.request('GET', '/v1/email_deliveries?status=failed');
    expect(byStatus.body.deliveries.map((delivery: { email: string }) => delivery.email)).toContain(email);

    const detail = await gateway.request('GET', `/v1/email_deliveries/${failed.delivery_id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.delivery.attempts).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'failed', error: expect.stringContaining('550') }),
    ]);
    // Never the token nor the link, in any field.
    expect(JSON.stringify(detail.body)).not.toMatch(/token|magic_links\/redirect/);

    sink.accept(email);
    const retried = await gateway.request('POST', `/v1/email_deliveries/${failed.delivery_id}/retry`);
    expect(retried.status).toBe(200);
    expect(['queued', 'sending', 'sent']).toContain(retried.body.delivery.status);
    const sent = await waitFor(
      () => deliveryTo(gateway, email),
      (delivery) => delivery.status === 'sent',
      'the retried delivery',
    );
    expect(sent).toMatchObject({ attempt_count: 2, last_error: null, message_id: expect.any(String) });
    expect(sink.mailsTo(email)).toHaveLength(1);
    const after = await gateway.request('GET', `/v1/email_deliveries/${failed.delivery_id}`);
    expect(after.body.delivery.attempts.map((attempt: { outcome: string }) => attempt.outcome)).toEqual([
      'failed',
      'sent',
    ]);

    // The mailed link works: the retry gave it a token that was never sent before.
    const token = linkIn(sink.mailsTo(email)[0]).searchParams.get('token')!;
    const authenticated = await officialClient(gateway).magicLinks.authenticate({ token });
    expect(authenticated.user.emails[0].email).toBe(email);

    expectStytchError(
      await gateway.request('POST', `/v1/email_deliveries/${failed.delivery_id}/retry`),
      409,
      'email_delivery_not_retryable',
    );
    expect(sink.mailsTo(email)).toHaveLength(1);
  });

  it('cancels a queued delivery, which is then never sent', async () => {
    // The first send hangs, holding the only slot; the second waits behind it, queued.
    sink.hangNext(1);
    await send(gateway, 'stalled@example.com');
    await waitFor(
      async () => sink.hung(),
      (hung) => hung === 1,
      'the hanging send',
    );
    const email = 'cancelled@example.com';
    await send(gateway, email);
    const queued = await deliveryTo(gateway, email);
    expect(queued.status).toBe('queued');

    const cancelled = await gateway.request('POST', `/v1/email_deliveries/${queued.delivery_id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.delivery).toMatchObject({ status: 'cancelled', attempt_count: 0 });
    expectStytchError(
      await gateway.request('POST', `/v1/email_deliveries/${queued.delivery_id}/cancel`),
      409,
      'email_delivery_not_cancellable',
    );

    // The stalled send times out and fails; the queue then reaches the cancelled delivery and leaves it.
    await waitFor(
      () => deliveryTo(gateway, 'stalled@example.com'),
      (delivery) => delivery.status === 'failed',
      'the stalled delivery',
    );
    const later = 'after-cancel@example.com';
    await send(gateway, later);
    await waitFor(
      async () => sink.mailsTo(later).length,
      (count) => count === 1,
      'the next mail',
    );
    expect(sink.mailsTo(email)).toHaveLength(0);
    expect(await deliveryTo(gateway, email)).toMatchObject({ status: 'cancelled', attempt_count: 0 });
  });

  it('pages through deliveries with an opaque cursor, and answers Stytch errors for bad ids and cursors', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await gateway.request(
        'GET',
        `/v1/email_deliveries?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.deliveries.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.deliveries.map((delivery: { delivery_id: string }) => delivery.delivery_id));
      cursor = page.body.next_cursor;
    } while (cursor);
    const all = await gateway.request('GET', '/v1/email_deliveries?limit=200');
    expect(seen).toEqual(all.body.deliveries.map((delivery: { delivery_id: string }) => delivery.delivery_id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    const future = await gateway.request('GET', '/v1/email_deliveries?created_after=2999-01-01T00:00:00Z');
    expect(future.body).toMatchObject({ deliveries: [], next_cursor: null });

    expectStytchError(await gateway.request('GET', '/v1/email_deliveries?cursor=bm9wZQ'), 400, 'invalid_cursor');
    expectStytchError(await gateway.request('GET', '/v1/email_deliveries?limit=500'), 400, 'bad_request');
    expectStytchError(await gateway.request('GET', '/v1/email_deliveries?status=lost'), 400, 'bad_request');
    expectStytchError(await gateway.request('GET', '/v1/email_deliveries/nope'), 400, 'invalid_email_delivery_id');
    expectStytchError(
      await gateway.request(
        'POST',
        '/v1/email_deliveries/email-delivery-test-00000000-0000-4000-8000-000000000000/retry',
      ),
      404,
      'email_delivery_not_found',
    );
    expectStytchError(
      await gateway.request('GET', '/v1/email_deliveries', undefined, { auth: null }),
      401,
      'unauthorized_credentials',
    );
  });
});
