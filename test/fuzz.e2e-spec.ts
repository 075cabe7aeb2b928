import fc from 'fast-check';
import { describeRequest, problemWith, residentMegabytes, send, type FuzzProblem } from './support/fuzz-client.js';
import { fuzzRequests, type FuzzPools, type FuzzRequest } from './support/fuzz-requests.js';
import { AUTH, DATABASES, PROJECT_ID, startGateway, type RunningGateway } from './support/gateway.js';
import { swaggerParser } from './support/openapi.js';

/**
 * Hostile requests, generated from the OpenAPI document for every route, against the built gateway: no 5xx, every
 * error body exactly Stytch's envelope, the same process alive afterwards, its memory back within bounds.
 * `npm test` runs FUZZ_RUNS (default 300) per database; `npm run fuzz` runs 6,000 per database and prints the counts.
 * FUZZ_SEED replays a run.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED);
/** How far the gateway's resident memory may stay above its level before the run, once it settled. */
const MEMORY_GROWTH_LIMIT_MB = 150;

const NO_LIMITS = {
  RATE_LIMIT_PER_IP: '100000000/60',
  RATE_LIMIT_PER_PROJECT: '100000000/60',
  RATE_LIMIT_PER_EMAIL: '100000000/1',
  RATE_LIMIT_PER_EMAIL_HOURLY: '100000000/3600',
  RATE_LIMIT_EMAIL_PER_IP: '100000000/60',
};

const json = (method: string, path: string, body: string): FuzzRequest => ({
  method,
  path,
  headers: { authorization: AUTH, 'content-type': 'application/json' },
  body,
});

/** Failures the fuzzer found once, kept as they were found. */
const REGRESSIONS: [string, FuzzRequest][] = [
  [
    'null login_magic_link_url (TypeError reading length)',
    json(
      'POST',
      '/v1/magic_links/email/login_or_create',
      '{"email":"fuzz-new@example.com","login_magic_link_url":null}',
    ),
  ],
  [
    'null signup_magic_link_url',
    json('POST', '/v1/magic_links/email/send', '{"email":"fuzz@example.com","signup_magic_link_url":null}'),
  ],
  [
    'null invite_magic_link_url',
    json('POST', '/v1/magic_links/email/invite', '{"email":"fuzz-invite@example.com","invite_magic_link_url":null}'),
  ],
  [
    'null user_id (TypeORM: Null value encountered)',
    json('POST', '/v1/magic_links/email/send', '{"email":"fuzz@example.com","user_id":null}'),
  ],
  ['null user_id on create', json('POST', '/v1/magic_links', '{"user_id":null,"expiration_minutes":null}')],
  ['null token', json('POST', '/v1/magic_links/authenticate', '{"token":null,"session_token":null}')],
  [
    '30,000 levels of nesting in trusted_metadata (stack overflow in class-transformer)',
    json(
      'POST',
      '/v1/users',
      `{"email":"deep@example.com","trusted_metadata":{"a":${'['.repeat(30_000)}${']'.repeat(30_000)}}}`,
    ),
  ],
  [
    'nesting in a nested DTO',
    json(
      'POST',
      '/v1/magic_links/authenticate',
      `{"token":"x","attributes":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`,
    ),
  ],
  [
    'prototype keys',
    json('POST', '/v1/users', '{"email":"proto@example.com","__proto__":{"x":1},"constructor":{"prototype":{"x":1}}}'),
  ],
  [
    "a path escape that does not decode (Fastify's own 400)",
    { method: 'GET', path: '/v1/users/%zz', headers: { authorization: AUTH } },
  ],
  [
    "a 120-character path parameter (Fastify's own 414)",
    { method: 'DELETE', path: `/v1/users/${'a'.repeat(120)}`, headers: { authorization: AUTH } },
  ],
];

describe.each(DATABASES)('fuzzing every route of the OpenAPI document (%s)', (database) => {
  let gateway: RunningGateway;
  let pools: FuzzPools;
  let document: Record<string, any>;

  beforeAll(async () => {
    gateway = await startGateway(database, { ...NO_LIMITS, LOG_LEVEL: 'error' });
    document = await swaggerParser('dereference', (await gateway.request('GET', '/docs-json')).body);
    const user = await gateway.request('POST', '/v1/users', { email: 'fuzz@example.com', external_id: 'fuzz-ext' });
    const pending = await gateway.request('POST', '/v1/users', {
      email: 'fuzz-pending@example.com',
      create_user_as_pending: true,
    });
    const link = await gateway.request('POST', '/v1/magic_links', { user_id: user.body.user_id });
    pools = {
      authorization: AUTH,
      projectId: PROJECT_ID,
      emails: ['fuzz@example.com', 'fuzz-pending@example.com', 'Fuzz@Example.com', 'fuzz-new@example.com'],
      userIds: [
        user.body.user_id,
        pending.body.user_id,
        'fuzz-ext',
        'user-test-00000000-0000-4000-8000-000000000000',
        'user-live-00000000-0000-4000-8000-000000000000',
      ],
      tokens: [link.body.token, 'x'.repeat(44)],
      urls: ['http://localhost:3000/authenticate', 'https://evil.example/authenticate'],
    };
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  it.each(REGRESSIONS)('regression: %s', async (_name, fuzz) => {
    const response = (await send(gateway.url, fuzz))!;
    expect({ problem: problemWith(fuzz, response), status: response.status }).toEqual({
      problem: undefined,
      status: expect.any(Number),
    });
  });

  it(
    `${RUNS} generated requests: no 5xx, only Stytch envelopes, same process, memory back within bounds`,
    async () => {
      const pid = gateway.process.pid!;
      const memoryBefore = residentMegabytes(pid);
      const counts = { requests: 0, unsent: 0, byStatus: {} as Record<number, number> };
      const problems: Record<FuzzProblem, string[]> = { 'server error': [], 'foreign body': [], 'no answer': [] };

      await fc.assert(
        fc.asyncProperty(fuzzRequests(document, pools), async (fuzz) => {
          const response = await send(gateway.url, fuzz);
          if (!response) {
            counts.unsent += 1;
            return;
          }
          counts.requests += 1;
          counts.byStatus[response.status] = (counts.byStatus[response.status] ?? 0) + 1;
          const problem = problemWith(fuzz, response);
          if (problem)
            problems[problem].push(`${describeRequest(fuzz)} -> ${response.status} ${response.body.slice(0, 300)}`);
        }),
        { numRuns: RUNS, seed: SEED },
      );

      // Let in-flight work (mail deliveries) finish and the collector run before measuring.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const memoryAfter = residentMegabytes(pid);
      const health = await gateway.request('GET', '/health');
      process.stdout.write(
        `fuzz ${database} (seed ${SEED}): ${counts.requests} requests (${counts.unsent} not sendable), by status ` +
          `${JSON.stringify(counts.byStatus)}; server errors ${problems['server error'].length}, foreign bodies ` +
          `${problems['foreign body'].length}, no answer ${problems['no answer'].length}; RSS ` +
          `${memoryBefore.toFixed(0)} -> ${memoryAfter.toFixed(0)} MB\n`,
      );

      const report = (list: string[]) => list.slice(0, 5);
      expect({
        serverErrors: report(problems['server error']),
        foreignBodies: report(problems['foreign body']),
        noAnswer: report(problems['no answer']),
      }).toEqual({ serverErrors: [], foreignBodies: [], noAnswer: [] });
      // The same process answers: not restarted, not crashed.
      expect(gateway.process.exitCode).toBeNull();
      expect(gateway.process.pid).toBe(pid);
      expect(health.status).toBe(200);
      expect(memoryAfter).toBeLessThan(memoryBefore + MEMORY_GROWTH_LIMIT_MB);
    },
    Math.max(30_000, RUNS * 50),
  );
});
