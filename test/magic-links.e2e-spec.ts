import { createHash } from 'node:crypto';
import { DATABASES, expectStytchError, queryDatabase, startGateway, type RunningGateway } from './support/gateway.js';

describe.each(DATABASES)('Embeddable magic links and authenticate on %s', (database) => {
  let gateway: RunningGateway;
  let userId: string;
  let counter = 0;
  beforeAll(async () => {
    gateway = await startGateway(database);
  });
  afterAll(() => gateway.close());
  beforeEach(async () => {
    const created = await gateway.request('POST', '/v1/users', {
      email: `user${++counter}@example.com`,
      create_user_as_pending: true,
      external_id: `ext-${counter}`,
    });
    userId = created.body.user_id;
  });

  // The beforeEach user is pending, so its links are consumed in a transaction that activates it; an active user's
  // link takes the other path, the conditional write alone.
  const useActiveUser = async () => {
    const created = await gateway.request('POST', '/v1/users', { email: `active${counter}@example.com` });
    userId = created.body.user_id;
  };

  const createLink = async (body: Record<string, unknown> = {}) => {
    const response = await gateway.request('POST', '/v1/magic_links', { user_id: userId, ...body });
    expect(response.status).toBe(200);
    return response.body.token as string;
  };

  it('creates a 44-character token and authenticates it exactly once, activating a pending user', async () => {
    const created = await gateway.request('POST', '/v1/magic_links', { user_id: `ext-${counter}` });
    expect(Object.keys(created.body).sort()).toEqual(['request_id', 'status_code', 'token', 'user_id']);
    expect(created.body.user_id).toBe(userId);
    expect(created.body.token).toMatch(/^[A-Za-z0-9_-]{44}$/);

    const first = await gateway.request('POST', '/v1/magic_links/authenticate', { token: created.body.token });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      user_id: userId,
      session_token: '',
      session_jwt: '',
      reset_sessions: false,
      status_code: 200,
      user: { user_id: userId, status: 'active' },
    });
    // An embeddable link proves nothing about the mailbox.
    expect(first.body.user.emails[0].verified).toBe(false);

    const again = await gateway.request('POST', '/v1/magic_links/authenticate', { token: created.body.token });
    expectStytchError(again, 401, 'unable_to_auth_magic_link');
  });

  it('answers with the user exactly as GET /v1/users does, on either path', async () => {
    for (const create_user_as_pending of [false, true]) {
      const created = await gateway.request('POST', '/v1/users', {
        email: `full${counter}-${create_user_as_pending}@example.com`,
        create_user_as_pending,
        name: { first_name: 'Ada', last_name: 'Lovelace' },
        trusted_metadata: { plan: 'pro', seats: 3 },
        untrusted_metadata: { theme: 'dark' },
      });
      userId = created.body.user_id;
      const authenticated = await gateway.request('POST', '/v1/magic_links/authenticate', {
        token: await createLink(),
      });
      expect(authenticated.status).toBe(200);
      const { request_id, status_code, ...fetched } = (await gateway.request('GET', `/v1/users/${userId}`)).body;
      expect([request_id, status_code]).toEqual([expect.any(String), 200]);
      expect(authenticated.body.user).toEqual(fetched);
      expect(fetched).toMatchObject({ status: 'active', name: { first_name: 'Ada' }, trusted_metadata: { seats: 3 } });
    }
  });

  it('answers magic_link_not_found for an unknown token', async () => {
    expectStytchError(
      await gateway.request('POST', '/v1/magic_links/authenticate', {
        token: 'CprTtwhnRNiMBiUS2jSLcWYrfuO2POeBNdo5HhW6qTM=',
      }),
      404,
      'magic_link_not_found',
    );
  });

  it('answers unable_to_auth_magic_link for an expired token', async () => {
    const token = await createLink({ expiration_minutes: 5 });
    await queryDatabase(gateway.databaseUrl, 'UPDATE magic_links SET expires_at = $1 WHERE user_id = $2', [
      database === 'postgres'
        ? new Date(Date.now() - 60_000)
        : new Date(Date.now() - 60_000).toISOString().replace('T', ' ').replace('Z', ''),
      userId,
    ]);
    expectStytchError(
      await gateway.request('POST', '/v1/magic_links/authenticate', { token }),
      401,
      'unable_to_auth_magic_link',
    );
  });

  it.each([
    [4, 'invalid_expiration'],
    [10081, 'invalid_expiration'],
    [60.5, 'invalid_expiration'],
    ['60', 'invalid_expiration'],
  ])('refuses expiration_minutes=%p as %s', async (expiration_minutes, errorType) => {
    expectStytchError(
      await gateway.request('POST', '/v1/magic_links', { user_id: userId, expiration_minutes }),
      400,
      errorType,
    );
  });

  it('refuses an unknown user_id or external id, or a malformed one, storing nothing', async () => {
    const countLinks = async () => (await queryDatabase(gateway.databaseUrl, 'SELECT id FROM magic_links')).length;
    const before = await countLinks();
    expectStytchError(
      await gateway.request('POST', '/v1/magic_links', { user_id: 'user-test-00000000-0000-4000-8000-000000000000' }),
      404,
      'user_not_found',
    );
    expectStytchError(
      await gateway.request('POST', '/v1/magic_links', { user_id: 'no-such-external-id' }),
      404,
      'user_not_found',
    );
    expectStytchError(await gateway.request('POST', '/v1/magic_links', { user_id: 'bad id!' }), 400, 'invalid_user_id');
    expectStytchError(await gateway.request('POST', '/v1/magic_links', {}), 400, 'invalid_user_id');
    expect(await countLinks()).toBe(before);
  });

  it.each(['pending', 'active'])(
    'matches IP and user agent only when options require it, and a mismatch does not burn the token (%s user)',
    async (status) => {
      if (status === 'active') await useActiveUser();
      const token = await createLink({ attributes: { ip_address: '203.0.113.7', user_agent: 'UA/1' } });
      const mismatch = await gateway.request('POST', '/v1/magic_links/authenticate', {
        token,
        attributes: { ip_address: '198.51.100.1', user_agent: 'UA/1' },
        options: { ip_match_required: true },
      });
      expectStytchError(mismatch, 401, 'attribute_mismatch');
      const uaMismatch = await gateway.request('POST', '/v1/magic_links/authenticate', {
        token,
        attributes: { ip_address: '203.0.113.7', user_agent: 'UA/2' },
        options: { user_agent_match_required: true },
      });
      expectStytchError(uaMismatch, 401, 'attribute_mismatch');
      const match = await gateway.request('POST', '/v1/magic_links/authenticate', {
        token,
        attributes: { ip_address: '203.0.113.7', user_agent: 'UA/1' },
        options: { ip_match_required: true, user_agent_match_required: true },
      });
      expect(match.status).toBe(200);
    },
  );

  it('checks PKCE against a stored challenge without burning the token on failure', async () => {
    const verifier = '00000000000000000000000000000000';
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(
      'hODA6vqpWjTCk_J4rFLkXOU3urXnUqAOaVmhOuEDtlo',
    );
    const token = await createLink();
    await queryDatabase(gateway.databaseUrl, 'UPDATE magic_links SET code_challenge = $1 WHERE user_id = $2', [
      'hODA6vqpWjTCk_J4rFLkXOU3urXnUqAOaVmhOuEDtlo',
      userId,
    ]);
    expectStytchError(
      await gateway.request('POST', '/v1/magic_links/authenticate', { token }),
      400,
      'pkce_expected_code_verifier',
    );
    expectStytchError(
      await gateway.request('POST', '/v1/magic_links/authenticate', { token, code_verifier: 'wrong' }),
      400,
      'pkce_mismatch',
    );
    const ok = await gateway.request('POST', '/v1/magic_links/authenticate', { token, code_verifier: verifier });
    expect(ok.status).toBe(200);

    const plain = await createLink();
    expectStytchError(
      await gateway.request('POST', '/v1/magic_links/authenticate', { token: plain, code_verifier: verifier }),
      400,
      'pkce_did_not_expect_code_verifier',
    );
  });

  it.each([[4], [527041], ['60']])('refuses session_duration_minutes=%p', async (session_duration_minutes) => {
    const token = await createLink();
    expectStytchError(
      await gateway.request('POST', '/v1/magic_links/authenticate', { token, session_duration_minutes }),
      400,
      'invalid_session_duration_minutes',
    );
    expect((await gateway.request('POST', '/v1/magic_links/authenticate', { token })).status).toBe(200);
  });

  it.each(['pending', 'active'])(
    'lets exactly one of 50 concurrent authenticates of one token win (%s user)',
    async (status) => {
      if (status === 'active') await useActiveUser();
      const token = await createLink();
      const results = await Promise.all(
        Array.from({ length: 50 }, () => gateway.request('POST', '/v1/magic_links/authenticate', { token })),
      );
      const statuses = results.map((result) => result.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 401)).toHaveLength(49);
      for (const loser of results.filter((result) => result.status !== 200)) {
        expect(loser.body.error_type).toBe('unable_to_auth_magic_link');
      }
    },
  );

  it('stores only a keyed hash of the token', async () => {
    const token = await createLink();
    const rows = await queryDatabase(gateway.databaseUrl, 'SELECT * FROM magic_links');
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(createHash('sha256').update(token).digest('hex'));
  });
});
