import { AUTH, SECRET, startGateway, type RunningGateway } from './support/gateway.js';

describe('Request logs', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway('sqlite', { LOG_LEVEL: 'info' });
  });
  afterAll(() => gateway.close());

  /** The one line logged for the request that answered with this request_id, once it has been printed. */
  async function lineOf(requestId: string): Promise<Record<string, any>> {
    await gateway.waitForOutput((output) => output.includes(`"request_id":"${requestId}"`));
    const lines = gateway.logs().filter((line) => line.request_id === requestId && line.msg === 'request completed');
    expect(lines).toHaveLength(1);
    return lines[0];
  }

  it('logs every request once, with its request_id, method, path, status and duration', async () => {
    const created = await gateway.request('POST', '/v1/users', { email: 'logged@example.com' });
    expect(created.status).toBe(200);
    const line = await lineOf(created.body.request_id);
    expect(line).toMatchObject({
      level: 30,
      req: { method: 'POST', path: '/v1/users' },
      res: { status_code: 200 },
    });
    expect(typeof line.response_time_ms).toBe('number');

    const notFound = await gateway.request('GET', '/v1/nothing-here');
    expect(await lineOf(notFound.body.request_id)).toMatchObject({
      req: { method: 'GET', path: '/v1/nothing-here' },
      res: { status_code: 404 },
    });
  });

  it('never logs a token, the secret, the Authorization header, a query string or a body', async () => {
    const user = await gateway.request('POST', '/v1/users', { email: 'private.person@example.com' });
    const link = await gateway.request('POST', '/v1/magic_links', { user_id: user.body.user_id });
    const token: string = link.body.token;
    const authenticated = await gateway.request('POST', '/v1/magic_links/authenticate', { token });
    expect(authenticated.status).toBe(200);
    // Tokens travel in query strings on the browser-facing routes: the path is logged without it.
    const withQuery = await gateway.request('GET', `/v1/users/${user.body.user_id}?token=${token}`);
    expect(withQuery.status).toBe(200);

    expect(await lineOf(authenticated.body.request_id)).toMatchObject({
      req: { method: 'POST', path: '/v1/magic_links/authenticate' },
      res: { status_code: 200 },
    });
    expect((await lineOf(withQuery.body.request_id)).req.path).toBe(`/v1/users/${user.body.user_id}`);

    const output = gateway.output();
    expect(output).not.toContain(token);
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(AUTH.slice('Basic '.length));
    expect(output).not.toContain('private.person@example.com');
  });
});
