import { expectStytchError, freshDatabaseUrl, startGateway, type RunningGateway } from './support/gateway.js';
import { startRedis, type RedisServer } from './support/redis.js';

const createUser = (gateway: RunningGateway, n: number, headers: Record<string, string> = {}) =>
  gateway.request('POST', '/v1/users', { email: `limited${n}@example.com` }, { headers });

function expectTooManyRequests(response: Awaited<ReturnType<typeof createUser>>): void {
  expectStytchError(response, 429, 'too_many_requests');
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe('Rate limits', () => {
  // Each test stops its gateways when it ends, so that no more than two run at once.
  let gateways: RunningGateway[] = [];
  const start = async (env: Record<string, string>, database: Parameters<typeof startGateway>[0] = 'sqlite') => {
    const gateway = await startGateway(database, env);
    gateways.push(gateway);
    return gateway;
  };
  afterEach(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    gateways = [];
  });

  it('answers 429 too_many_requests with Retry-After once a client IP spends its budget', async () => {
    const gateway = await start({ RATE_LIMIT_PER_IP: '3/60' });
    for (let n = 0; n < 3; n++) {
      const response = await createUser(gateway, n);
      expect(response.status).toBe(200);
      // No X-RateLimit-* headers: the per-project ones would tell any client how much the whole project calls.
      expect([...response.headers.keys()].filter((name) => name.startsWith('x-ratelimit'))).toEqual([]);
    }
    expectTooManyRequests(await createUser(gateway, 3));
    // One budget across the API: another endpoint does not start a fresh one.
    expectTooManyRequests(
      await gateway.request('GET', `/v1/users/user-test-${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`),
    );
    expectTooManyRequests(await gateway.request('POST', '/v1/magic_links/authenticate', { token: 'x'.repeat(44) }));
    // Failed calls count too: a client guessing credentials is throttled like any other.
    expectTooManyRequests(await gateway.request('POST', '/v1/users', {}, { auth: null }));
    // The health check stays reachable for the load balancer, and its polls spend no budget.
    for (let n = 0; n < 5; n++) expect((await gateway.request('GET', '/health')).status).toBe(200);
  });

  it('limits the whole project across client IPs', async () => {
    const gateway = await start({ RATE_LIMIT_PER_PROJECT: '4/60', TRUST_PROXY: 'true' });
    for (let n = 0; n < 4; n++) {
      expect((await createUser(gateway, n, { 'x-forwarded-for': `198.51.100.${n + 1}` })).status).toBe(200);
    }
    expectTooManyRequests(await createUser(gateway, 4, { 'x-forwarded-for': '198.51.100.99' }));
    expectTooManyRequests(
      await gateway.request(
        'POST',
        '/v1/magic_links',
        { user_id: 'user-test-x' },
        {
          headers: { 'x-forwarded-for': '198.51.100.98' },
        },
      ),
    );
  });

  it("keeps the redirect page off the project's budget, but not off the per-IP one", async () => {
    const gateway = await start({ RATE_LIMIT_PER_PROJECT: '2/60', RATE_LIMIT_PER_IP: '5/60', TRUST_PROXY: 'true' });
    const page = (ip: string) =>
      fetch(`${gateway.url}/v1/magic_links/redirect?stytch_token_type=magic_links&token=${'A'.repeat(44)}`, {
        headers: { 'x-forwarded-for': ip },
      });
    // A scanner fleet opening mailed links from many addresses: every page is served...
    for (let n = 0; n < 6; n++) expect((await page(`203.0.113.${n + 1}`)).status).toBe(200);
    // ...and the backend's API calls still have their whole budget.
    for (let n = 0; n < 2; n++) {
      expect((await createUser(gateway, n, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(200);
    }
    expectTooManyRequests(await createUser(gateway, 2, { 'x-forwarded-for': '198.51.100.2' }));
    // One address opening pages over and over is still limited.
    for (let n = 0; n < 5; n++) expect((await page('203.0.113.200')).status).toBe(200);
    expect((await page('203.0.113.200')).status).toBe(429);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const gateway = await start({ RATE_LIMIT_PER_IP: '2/60' });
    await createUser(gateway, 0, { 'x-forwarded-for': '198.51.100.1' });
    await createUser(gateway, 1, { 'x-forwarded-for': '198.51.100.1' });
    // A forged header does not buy a fresh budget: the socket address is the client.
    expectTooManyRequests(await createUser(gateway, 2, { 'x-forwarded-for': '198.51.100.2' }));
  });

  it.each(['true', '127.0.0.1'])(
    'keys the per-IP budget on X-Forwarded-For behind a trusted proxy (TRUST_PROXY=%s)',
    async (trustProxy) => {
      const gateway = await start({ RATE_LIMIT_PER_IP: '2/60', TRUST_PROXY: trustProxy });
      expect((await createUser(gateway, 0, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(200);
      expect((await createUser(gateway, 1, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(200);
      expectTooManyRequests(await createUser(gateway, 2, { 'x-forwarded-for': '198.51.100.1' }));
      // Another client behind the same proxy has its own budget.
      expect((await createUser(gateway, 3, { 'x-forwarded-for': '198.51.100.2' })).status).toBe(200);
    },
  );

  it('does not trust a proxy outside the TRUST_PROXY list', async () => {
    const gateway = await start({ RATE_LIMIT_PER_IP: '2/60', TRUST_PROXY: '10.0.0.0/8' });
    await createUser(gateway, 0, { 'x-forwarded-for': '198.51.100.1' });
    await createUser(gateway, 1, { 'x-forwarded-for': '198.51.100.1' });
    expectTooManyRequests(await createUser(gateway, 2, { 'x-forwarded-for': '198.51.100.2' }));
  });

  describe('with REDIS_URL', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(() => redis.stop());

    it('shares one budget between gateway instances', async () => {
      const database = { url: await freshDatabaseUrl('postgres') };
      const env = { REDIS_URL: redis.url, RATE_LIMIT_PER_PROJECT: '3/60' };
      const first = await start(env, database);
      const second = await start(env, database);
      expect((await createUser(first, 0)).status).toBe(200);
      expect((await createUser(second, 1)).status).toBe(200);
      expect((await createUser(first, 2)).status).toBe(200);
      expectTooManyRequests(await createUser(second, 3));
      expectTooManyRequests(await createUser(first, 4));
    });
  });
});
