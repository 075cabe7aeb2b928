import {
  AUTH,
  DATABASES,
  PROJECT_ID,
  expectStytchError,
  startGateway,
  type RunningGateway,
} from './support/gateway.js';
import { openSocket, rawExchange, received } from './support/raw-http.js';

const HELMET_HEADERS = [
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe.each(DATABASES)("Stytch's error envelope for every failure on %s", (database) => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway(database);
  });
  afterAll(() => gateway.close());

  it.each<[string, string | null]>([
    ['no Authorization header', null],
    ['a wrong secret', basic(`${PROJECT_ID}:secret-test-wrong-wrong-wrong`)],
    ['another project', basic('project-test-00000000-0000-4000-8000-000000000000:secret-test-11111111')],
    ['the secret alone', basic('secret-test-11111111-1111-4111-8111-111111111111')],
    ['a Bearer token', 'Bearer abc'],
    ['a malformed Basic header', 'Basic %%%'],
  ])('answers 401 unauthorized_credentials for %s', async (_case, authorization) => {
    for (const [method, path, body] of [
      ['POST', '/v1/users', { email: 'nobody@example.com' }],
      ['GET', '/v1/users/user-test-00000000-0000-4000-8000-000000000000', undefined],
      ['POST', '/v1/magic_links/authenticate', { token: 'x' }],
    ] as const) {
      const response = await gateway.request(method, path, body, { auth: authorization });
      expectStytchError(response, 401, 'unauthorized_credentials');
      expect(response.body.error_message).toBe('Unauthorized credentials.');
    }
  });

  it('keeps refusing wrong credentials between accepted ones', async () => {
    const path = '/v1/users/user-test-00000000-0000-4000-8000-000000000000';
    const wrong = basic(`${PROJECT_ID}:secret-test-wrong-wrong-wrong`);
    for (const authorization of [AUTH, wrong, AUTH, wrong]) {
      const response = await gateway.request('GET', path, undefined, { auth: authorization });
      if (authorization === AUTH) expectStytchError(response, 404, 'user_not_found');
      else expectStytchError(response, 401, 'unauthorized_credentials');
    }
  });

  it("sets helmet's security headers on answers, errors and unknown routes alike", async () => {
    const answers = [
      await gateway.request('POST', '/v1/users', { email: 'headers@example.com' }),
      await gateway.request('POST', '/v1/users', { email: 'headers@example.com' }, { auth: null }),
      await gateway.request('GET', '/v1/no-such-route'),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 401, 404]);
    for (const { headers } of answers) {
      expect(Object.fromEntries([...headers].filter(([name]) => HELMET_HEADERS.includes(name)))).toEqual({
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
        'origin-agent-cluster': '?1',
        'referrer-policy': 'no-referrer',
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'x-content-type-options': 'nosniff',
        'x-dns-prefetch-control': 'off',
        'x-download-options': 'noopen',
        'x-frame-options': 'SAMEORIGIN',
        'x-permitted-cross-domain-policies': 'none',
        'x-xss-protection': '0',
      });
      expect(headers.get('content-security-policy')).toBeNull();
    }
  });

  it('accepts the scheme name in any case', async () => {
    const response = await gateway.request(
      'POST',
      '/v1/users',
      { email: `scheme-${database}@example.com` },
      {
        auth: AUTH.replace('Basic', 'basic'),
      },
    );
    expect(response.status).toBe(200);
  });

  it('answers 404 route_not_found for an unknown path, authenticated or not', async () => {
    expectStytchError(await gateway.request('GET', '/v1/sessions/nothing'), 404, 'route_not_found');
    expectStytchError(await gateway.request('POST', '/nowhere', {}, { auth: null }), 404, 'route_not_found');
  });

  it('answers 405 method_not_allowed with Allow for a known path', async () => {
    const response = await gateway.request('PUT', '/v1/users', { email: 'x@example.com' });
    expectStytchError(response, 405, 'method_not_allowed');
    expect(response.headers.get('allow')).toBe('POST');
    const onUser = await gateway.request('POST', '/v1/users/user-test-00000000-0000-4000-8000-000000000000', {});
    expectStytchError(onUser, 405, 'method_not_allowed');
    expect(onUser.headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PUT']);
  });

  it('answers 400 bad_request for malformed JSON and for a body that is not an object', async () => {
    const malformed = await gateway.request('POST', '/v1/users', '{"email": "ada@example.com"', {
      headers: { 'content-type': 'application/json' },
    });
    expectStytchError(malformed, 400, 'bad_request');
    expect(malformed.body.error_message).toBe('The request body is not valid JSON: send a JSON object.');
    for (const body of ['[{"email": "ada@example.com"}]', '"ada@example.com"', 'null', '42']) {
      const response = await gateway.request('POST', '/v1/magic_links', body);
      expectStytchError(response, 400, 'bad_request');
      expect(response.body.error_message).toBe('The request body must be a JSON object.');
    }
  });

  it('reads an empty JSON body as {}, as the official client sends on some calls', async () => {
    const response = await gateway.request('POST', '/v1/users', '', {
      headers: { 'content-type': 'application/json' },
    });
    expectStytchError(response, 400, 'invalid_email');
  });

  it('answers 415 unsupported_media_type for a body that is not JSON', async () => {
    const response = await gateway.request('POST', '/v1/users', 'email=ada@example.com', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectStytchError(response, 415, 'unsupported_media_type');
    const text = await gateway.request('POST', '/v1/users', 'ada@example.com', {
      headers: { 'content-type': 'text/plain' },
    });
    expectStytchError(text, 415, 'unsupported_media_type');
  });

  it('answers 413 request_too_large above 64 KB and keeps nothing of the request', async () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(63)}.example.com`;
    const response = await gateway.request('POST', '/v1/users', {
      email,
      untrusted_metadata: { padding: 'x'.repeat(64 * 1024) },
    });
    expectStytchError(response, 413, 'request_too_large');
    const retry = await gateway.request('POST', '/v1/users', { email });
    expect(retry.status).toBe(200);
  });

  it('refuses phone_number, saying what to do instead', async () => {
    const response = await gateway.request('POST', '/v1/users', {
      email: `phone-${database}@example.com`,
      phone_number: '+15555555555',
    });
    expectStytchError(response, 400, 'bad_request');
    expect(response.body.error_message).toBe(
      'phone_number is not supported by this gateway: create the user with an email instead.',
    );
  });

  it('answers ids of the other environment with their own error types', async () => {
    expectStytchError(
      await gateway.request('GET', '/v1/users/user-live-00000000-0000-4000-8000-000000000000'),
      400,
      'live_id_used_in_test_environment',
    );
  });

  it.each<[string, string, number, string]>([
    ['a bad escape in the path', 'GET /v1/users/%zz HTTP/1.1\r\nHost: gateway\r\n\r\n', 400, 'bad_request'],
    [
      'a Content-Length that is not a number',
      'POST /v1/users HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 2x\r\n\r\n{}',
      400,
      'bad_request',
    ],
    [
      'both Transfer-Encoding and Content-Length',
      'POST /v1/users HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 2\r\n' +
        'Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
      400,
      'bad_request',
    ],
    ['an unknown method', 'FOO /v1/users HTTP/1.1\r\nHost: gateway\r\n\r\n', 400, 'bad_request'],
    ['bytes that are not HTTP', 'HELLO\r\n\r\n', 400, 'bad_request'],
    [
      'headers over the size limit',
      `GET /v1/users/x HTTP/1.1\r\nHost: gateway\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'request_headers_too_large',
    ],
    [
      'a path parameter longer than any id',
      `GET /v1/users/${'a'.repeat(300)} HTTP/1.1\r\nHost: gateway\r\n\r\n`,
      400,
      'bad_request',
    ],
  ])("answers %s in the envelope, never in the framework's shape", async (_case, request, status, errorType) => {
    const response = await rawExchange(gateway.url, request);
    expectStytchError(response, status, errorType);
    expect(response.body.error_message).not.toBe('The submitted request is invalid.');
  });

  it('answers HEAD with oversized headers 431 without a body, as a HEAD response must be', async () => {
    const socket = await openSocket(gateway.url);
    const answer = received(socket);
    socket.write(`HEAD /v1/users/x HTTP/1.1\r\nHost: gateway\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    const raw = await answer;
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(raw.endsWith('\r\n\r\n')).toBe(true);
  });

  it('fetches and deletes a user by an external_id of 128 characters', async () => {
    const externalId = `${database}|${'x'.repeat(128 - database.length - 1)}`;
    expect(externalId).toHaveLength(128);
    const created = await gateway.request('POST', '/v1/users', {
      email: `long-external-id-${database}@example.com`,
      external_id: externalId,
    });
    expect(created.status).toBe(200);
    const path = `/v1/users/${encodeURIComponent(externalId)}`;
    const fetched = await gateway.request('GET', path);
    expect({ status: fetched.status, user_id: fetched.body.user_id }).toEqual({
      status: 200,
      user_id: created.body.user_id,
    });
    expect((await gateway.request('DELETE', path)).status).toBe(200);
    expectStytchError(await gateway.request('GET', path), 404, 'user_not_found');
  });
});
