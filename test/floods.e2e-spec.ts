import type { Socket } from 'node:net';
import { AUTH, PROJECT_ID, expectStytchError, startGateway, type RunningGateway } from './support/gateway.js';
import { closedWithin, exchange, openSocket, parseResponse, requestFrom } from './support/raw-http.js';

const HEALTH = 'GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n';
const GUESSED = `Basic ${Buffer.from(`${PROJECT_ID}:secret-test-guessed-guessed-guessed`).toString('base64')}`;

describe('Floods', () => {
  describe('of unauthenticated calls and of sockets', () => {
    let gateway: RunningGateway;
    beforeAll(async () => {
      gateway = await startGateway('sqlite', {
        RATE_LIMIT_PER_PROJECT: '20/60',
        RATE_LIMIT_PER_IP: '10/60',
        RATE_LIMIT_PER_EMAIL_HOURLY: '2/3600',
        HTTP_MAX_CONNECTIONS_PER_IP: '5',
      });
    });
    afterAll(() => gateway.close());

    it("leaves the project's budget, and a person's mail budget, to callers that hold the secret", async () => {
      const statuses: Record<number, number> = {};
      // Six addresses, twelve calls each without the secret, naming one person's email: 72 calls, the project
      // allows 20 and the address 2 an hour.
      await Promise.all(
        [2, 3, 4, 5, 6, 7].map(async (host) => {
          for (let n = 0; n < 12; n++) {
            const response = await requestFrom(
              gateway.url,
              `127.0.0.${host}`,
              'POST',
              '/v1/magic_links/email/login_or_create',
              { body: { email: 'victim@example.com' }, authorization: n % 2 === 0 ? undefined : GUESSED },
            );
            statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          }
        }),
      );
      // Each address is still limited on its own.
      expect(statuses).toEqual({ 401: 60, 429: 12 });

      for (let n = 0; n < 5; n++) {
        expect((await gateway.request('POST', '/v1/users', { email: `backend${n}@example.com` })).status).toBe(200);
      }
      const login = await gateway.request('POST', '/v1/magic_links/email/login_or_create', {
        email: 'victim@example.com',
      });
      expect(login.status).toBe(200);
    });

    it('closes sockets beyond the per-address cap at once, while another address is served', async () => {
      const held: Socket[] = [];
      for (let n = 0; n < 5; n++) {
        const socket = await openSocket(gateway.url, '127.0.0.20');
        // An answer proves the gateway has counted the socket.
        expect((await exchange(socket, HEALTH)).status).toBe(200);
        held.push(socket);
      }
      const refused = await openSocket(gateway.url, '127.0.0.20');
      const answer = closedWithin(refused, 5000);
      refused.write(HEALTH);
      expect(await answer).toBe('');

      expect((await requestFrom(gateway.url, '127.0.0.21', 'GET', '/health')).status).toBe(200);

      // A socket that closes frees its place.
      const closed = closedWithin(held[0], 5000);
      held[0].end();
      expect(await closed).toBe('');
      const next = await openSocket(gateway.url, '127.0.0.20');
      expect((await exchange(next, HEALTH)).status).toBe(200);
      for (const socket of [...held, next]) socket.destroy();
    });
  });

  describe('of slow and idle connections', () => {
    let gateway: RunningGateway;
    beforeAll(async () => {
      gateway = await startGateway('sqlite', {
        HTTP_HEADERS_TIMEOUT_MS: '500',
        HTTP_REQUEST_TIMEOUT_MS: '1000',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '500',
        LOG_LEVEL: 'info',
      });
    });
    afterAll(() => gateway.close());

    it('cuts off slow bodies, slow headers, silent and idle sockets while a normal client is served', async () => {
      const open = (count: number) =>
        Promise.all(Array.from({ length: count }, () => openSocket(gateway.url, '127.0.0.30')));
      const [slowBodies, slowHeaders, silent, idle] = await Promise.all([open(15), open(15), open(15), open(15)]);
      for (const socket of idle) expect((await exchange(socket, HEALTH)).status).toBe(200);
      const outcomes = [...slowBodies, ...slowHeaders, ...silent, ...idle].map((socket) =>
        closedWithin(socket, 10_000),
      );
      for (const socket of slowBodies) {
        socket.write(
          `POST /v1/users HTTP/1.1\r\nHost: gateway\r\nAuthorization: ${AUTH}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
        );
      }
      for (const socket of slowHeaders) socket.write('GET /health HTTP/1.1\r\n');
      // One byte at a time, often enough that no socket is ever idle.
      const trickle = setInterval(() => {
        for (const socket of slowBodies) socket.write(' ');
        for (const socket of slowHeaders) socket.write('X-Slow: 1\r\n');
      }, 100);
      try {
        for (let n = 0; n < 5; n++) {
          expect((await gateway.request('POST', '/v1/users', { email: `normal${n}@example.com` })).status).toBe(200);
        }
        const answers = await Promise.all(outcomes);
        expect(answers.filter((answer) => answer === undefined)).toHaveLength(0);
        // A request that did not arrive in time is told so, in the envelope.
        for (const answer of answers.slice(0, 30)) expectStytchError(parseResponse(answer!), 408, 'request_timeout');
        // A socket that never sent a request, or went idle after one, is just closed.
        for (const answer of answers.slice(30, 45)) {
          if (answer !== '') expectStytchError(parseResponse(answer!), 408, 'request_timeout');
        }
        for (const answer of answers.slice(45)) expect(answer).toBe('');
      } finally {
        clearInterval(trickle);
      }
      expect((await gateway.request('POST', '/v1/users', { email: 'after@example.com' })).status).toBe(200);
    });

    it('logs an aborted upload as the client leaving, not as a server error', async () => {
      const socket = await openSocket(gateway.url);
      socket.write(
        `POST /v1/users HTTP/1.1\r\nHost: gateway\r\nAuthorization: ${AUTH}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":',
      );
      // A round trip on another connection: by its end the gateway has read the upload's first bytes.
      expect((await gateway.request('GET', '/health')).status).toBe(200);
      socket.destroy();
      await gateway.waitForOutput((output) => output.includes('"msg":"request aborted"'));
      // Another request after it, so anything logged about the aborted one has been written.
      expect((await gateway.request('GET', '/health')).status).toBe(200);
      await gateway.waitForOutput((output) => output.split('"path":"/health"').length >= 3);
      const aborted = gateway.logs().filter((line) => line.req?.method === 'POST' && line.req?.path === '/v1/users');
      expect(aborted.map((line) => line.msg)).toContain('request aborted');
      expect(gateway.logs().filter((line) => line.level >= 50)).toEqual([]);
      expect(gateway.output()).not.toContain('server_unavailable');
    });
  });
});
