import { connect } from 'node:net';
import pg from 'pg';
import { AUTH, expectStytchError, freshDatabaseUrl, startGateway, type RunningGateway } from './support/gateway.js';

/** A connection to the PostgreSQL server the suites share, outside any gateway database. */
async function adminClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL });
  await client.connect();
  return client;
}

const databaseName = (url: string) => new URL(url).pathname.slice(1);

async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Operations', () => {
  it('answers /health with 200 and the database status, without credentials', async () => {
    const gateway = await startGateway('sqlite');
    try {
      const health = await gateway.request('GET', '/health', undefined, { auth: null });
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    } finally {
      await gateway.close();
    }
  });

  describe('when PostgreSQL becomes unreachable', () => {
    let gateway: RunningGateway;
    let admin: pg.Client;
    let name: string;
    beforeAll(async () => {
      gateway = await startGateway('postgres', { LOG_LEVEL: 'info' });
      name = databaseName(gateway.databaseUrl);
      admin = await adminClient();
    });
    afterAll(async () => {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await admin.end();
      await gateway.close();
    });

    it('answers 503 server_unavailable, reports it on /health, and recovers with the database', async () => {
      const before = await gateway.request('POST', '/v1/users', { email: 'before.outage@example.com' });
      expect(before.status).toBe(200);

      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);

      // The first call may still meet a pooled connection the server has just killed; every call must be a 503.
      for (let attempt = 0; attempt < 3; attempt++) {
        const during = await gateway.request('POST', '/v1/users', { email: `during${attempt}@example.com` });
        expectStytchError(during, 503, 'server_unavailable');
        expect(JSON.stringify(during.body)).not.toMatch(/postgres|ECONN|terminat|accepting connections/i);
      }
      const lookup = await gateway.request('GET', `/v1/users/${before.body.user_id}`);
      expectStytchError(lookup, 503, 'server_unavailable');

      const health = await gateway.request('GET', '/health', undefined, { auth: null });
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });

      // The error is logged once, with the request_id the client got back.
      await gateway.waitForOutput((output) => output.includes(`"request_id":"${lookup.body.request_id}"`));
      const failure = gateway
        .logs()
        .find((line) => line.request_id === lookup.body.request_id && line.error_type === 'server_unavailable');
      expect(failure).toMatchObject({ level: 50, context: 'StytchExceptionFilter' });

      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await waitUntil(
        async () => (await gateway.request('GET', '/health', undefined, { auth: null })).status === 200,
        '/health recovers',
      );
      const after = await gateway.request('GET', `/v1/users/${before.body.user_id}`);
      expect(after.status).toBe(200);
    });
  });

  it('answers an unexpected failure with a bare 500 envelope and logs the details', async () => {
    const gateway = await startGateway('sqlite', { LOG_LEVEL: 'info' });
    try {
      const user = await gateway.request('POST', '/v1/users', { email: 'broken@example.com' });
      // An operator drops a table under the running gateway: nothing the request did wrong.
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(gateway.databaseUrl.slice('sqlite:'.length));
      db.exec('DROP TABLE magic_links');
      db.close();

      const failed = await gateway.request('POST', '/v1/magic_links', { user_id: user.body.user_id });
      expectStytchError(failed, 500, 'internal_server_error');
      expect(failed.body.error_message).toBe(
        'Oops, something seems to have gone wrong, please reach out to support@stytch.com to let us know what went wrong.',
      );
      expect(JSON.stringify(failed.body)).not.toMatch(/magic_links|SQLITE|no such table|\.js:\d+|\bat /);

      await gateway.waitForOutput((output) => output.includes('no such table'));
      const failure = gateway.logs().find((line) => line.error_type === 'internal_server_error');
      expect(failure).toMatchObject({ request_id: failed.body.request_id, err: { message: expect.any(String) } });
      expect(failure!.err.stack).toContain('no such table: magic_links');
      // The SQL is kept for the operator, its bound values (here the token's hash) are not.
      expect(failure!.err.query).toMatch(/^INSERT INTO "?magic_links"?/);
      expect(failure!.err).not.toHaveProperty('parameters');
    } finally {
      await gateway.close();
    }
  });

  it('on SIGTERM stops listening, finishes the requests in flight and exits 0', async () => {
    const databaseUrl = await freshDatabaseUrl('postgres');
    const gateway = await startGateway({ url: databaseUrl }, { LOG_LEVEL: 'info' });
    const name = databaseName(databaseUrl);
    const created = await gateway.request('POST', '/v1/users', { email: 'draining@example.com' });
    const path = `/v1/users/${created.body.user_id}`;

    // Hold a lock the gateway's reads wait on, so that requests are reliably in flight when SIGTERM arrives.
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    const admin = await adminClient();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      const inFlight = Array.from({ length: 5 }, () => gateway.request('GET', path));
      // One more on a raw keep-alive connection, to see how the gateway treats the connection itself.
      const socket = connect(Number(new URL(gateway.url).port), '127.0.0.1');
      let raw = '';
      socket.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      const socketClosed = new Promise((resolve) => socket.once('close', resolve));
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${AUTH}\r\nConnection: keep-alive\r\n\r\n`,
      );
      await waitUntil(async () => {
        const { rows } = await admin.query(
          "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
          [name],
        );
        return rows[0].waiting === 6;
      }, 'six gateway queries wait on the lock');

      gateway.process.kill('SIGTERM');
      await waitUntil(
        () =>
          fetch(`${gateway.url}/health`).then(
            () => false,
            () => true,
          ),
        'the gateway stops accepting connections',
      );
      await locker.query('COMMIT');

      const responses = await Promise.all(inFlight);
      for (const response of responses) {
        expect(response.status).toBe(200);
        expect(response.body.user_id).toBe(created.body.user_id);
      }
      // The keep-alive connection is closed with its last response rather than left to hold the shutdown open.
      await socketClosed;
      expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(raw).toMatch(/^connection: close\r$/im);
      expect(await gateway.exited).toEqual({ code: 0, signal: null });
      // Exiting flushed the log: every drained request has its line.
      for (const response of responses) {
        expect(gateway.output()).toContain(`"request_id":"${response.body.request_id}"`);
      }
    } finally {
      await locker.end().catch(() => undefined);
      await admin.end();
      await gateway.close();
    }
  });
});
