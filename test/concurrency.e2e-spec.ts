import {
  DATABASES,
  queryDatabase,
  startGateway,
  type GatewayResponse,
  type RunningGateway,
} from './support/gateway.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

/** Concurrent requests at once, as a load generator with this many connections sends them. */
const CONNECTIONS = 50;
/** The gateway's signing-key cache lifetime here, instead of the default minute. */
const KEY_CACHE_MS = 100;

/**
 * Requests that open transactions, fired all at once after the signing-key cache expired, as after a minute without
 * session activity: the first request re-reads the keys, the others wait for that read, then all go on together.
 */
describe.each(DATABASES)('Concurrent transactions on %s', (database) => {
  let sink: SmtpSink;
  let gateway: RunningGateway;
  let counter = 0;

  beforeAll(async () => {
    sink = await startSmtpSink();
    gateway = await startGateway(database, {
      MAGIC_LINKS_SESSION_KEY_CACHE_MS: String(KEY_CACHE_MS),
      SMTP_URL: sink.url,
      MAGIC_LINKS_INVITE_REDIRECT_URLS: 'https://app.example.com/invite',
      RATE_LIMIT_PER_IP: '100000/60',
      RATE_LIMIT_PER_PROJECT: '100000/60',
      RATE_LIMIT_EMAIL_PER_IP: '100000/60',
    });
  });
  afterAll(async () => {
    await gateway.close();
    await sink.stop();
  });

  const count = async (sql: string, params: unknown[]) =>
    Number((await queryDatabase<{ n: number | string }>(gateway.databaseUrl, sql, params))[0].n);
  const newUser = async () => {
    const email = `concurrent-${++counter}@example.com`;
    const created = await gateway.request('POST', '/v1/users', { email });
    expect(created.status).toBe(200);
    return created.body.user_id as string;
  };
  /** Sends every request at once, once the key cache expired; fails with the unexpected answers, if any. */
  const allAtOnce = async (requests: (() => Promise<GatewayResponse>)[]) => {
    await new Promise((resolve) => setTimeout(resolve, KEY_CACHE_MS * 1.5));
    const responses = await Promise.all(requests.map((send) => send()));
    expect(responses.filter(({ status }) => status !== 200).map(({ status, body }) => ({ status, body }))).toEqual([]);
    return responses;
  };

  it(`starts ${CONNECTIONS} sessions at once without an error, one session row each`, async () => {
    const userId = await newUser();
    const tokens: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      tokens.push((await gateway.request('POST', '/v1/magic_links', { user_id: userId })).body.token);
    }

    const responses = await allAtOnce(
      tokens.map(
        (token) => () =>
          gateway.request('POST', '/v1/magic_links/authenticate', { token, session_duration_minutes: 60 }),
      ),
    );

    const sessionIds = new Set(responses.map(({ body }) => body.session.session_id as string));
    expect(sessionIds.size).toBe(CONNECTIONS);
    expect(await count('SELECT count(*) AS n FROM sessions WHERE user_id = $1', [userId])).toBe(CONNECTIONS);
    expect(
      await count('SELECT count(*) AS n FROM magic_links WHERE user_id = $1 AND consumed_at IS NOT NULL', [userId]),
    ).toBe(CONNECTIONS);
  });

  it('sends email magic links and invites while sessions start, all at once, each written and mailed once', async () => {
    // Each send adds a new email to its user, named by a session JWT or by user_id; each invite creates a user; each
    // login starts a session. All of them write in a transaction. Each user has a session already, and two links.
    const owners: { userId: string; sessionJwt: string; tokens: string[] }[] = [];
    for (let i = 0; i < CONNECTIONS / 2; i++) {
      const userId = await newUser();
      const link = async () => (await gateway.request('POST', '/v1/magic_links', { user_id: userId })).body.token;
      const login = await gateway.request('POST', '/v1/magic_links/authenticate', {
        token: await link(),
        session_duration_minutes: 60,
      });
      owners.push({ userId, sessionJwt: login.body.session_jwt, tokens: [await link(), await link()] });
    }
    const run = ++counter;
    const sent = owners.map((_, i) => `added-${run}-${i}@example.com`);
    const invited = owners.map((_, i) => `invited-${run}-${i}@example.com`);
    const mailsBefore = sink.mails.length;

    // The logins first, so that they wait for the key read together; the mail requests arrive among them.
    const responses = await allAtOnce([
      ...owners.flatMap(({ tokens }) =>
        tokens.map(
          (token) => () =>
            gateway.request('POST', '/v1/magic_links/authenticate', { token, session_duration_minutes: 60 }),
        ),
      ),
      ...owners.flatMap(({ userId, sessionJwt }, i) => [
        () =>
          gateway.request(
            'POST',
            '/v1/magic_links/email/send',
            i % 2 === 0 ? { email: sent[i], session_jwt: sessionJwt } : { email: sent[i], user_id: userId },
          ),
        () => gateway.request('POST', '/v1/magic_links/email/invite', { email: invited[i] }),
      ]),
    ]);

    expect(responses).toHaveLength(owners.length * 4);
    for (const [i, { userId }] of owners.entries()) {
      expect(await count('SELECT count(*) AS n FROM user_emails WHERE user_id = $1', [userId])).toBe(2);
      expect(await count('SELECT count(*) AS n FROM user_emails WHERE email = $1', [sent[i]])).toBe(1);
      expect(await count('SELECT count(*) AS n FROM sessions WHERE user_id = $1', [userId])).toBe(3);
      expect(
        await count(
          "SELECT count(*) AS n FROM users u JOIN user_emails e ON e.user_id = u.id WHERE e.email = $1 AND u.status = 'pending'",
          [invited[i]],
        ),
      ).toBe(1);
    }
    await sink.waitForMails(mailsBefore + sent.length + invited.length, 20_000);
    for (const email of [...sent, ...invited]) expect(sink.mailsTo(email)).toHaveLength(1);
  });
});
