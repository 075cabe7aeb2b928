import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { createHmac, randomUUID } from 'node:crypto';
import type { Client } from 'stytch';
import {
  DATABASES,
  expectStytchError,
  PROJECT_ID,
  queryDatabase,
  startGateway,
  type RunningGateway,
} from './support/gateway.js';
import { emailLoginLink } from './support/email-link.js';
import { expectClientError, expectLocallyRefused, officialClient, storedTime } from './support/sessions.js';

const TOKEN_HASH_KEY = 'sessions-e2e-token-hash-key-0123456789abcdef';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe.each(DATABASES)('Sessions on %s', (database) => {
  let gateway: RunningGateway;
  let stytch: Client;
  let counter = 0;
  beforeAll(async () => {
    // Two links mailed to one address in a row: the default of one per second would refuse the second.
    gateway = await startGateway(database, {
      MAGIC_LINKS_TOKEN_HASH_KEY: TOKEN_HASH_KEY,
      RATE_LIMIT_PER_EMAIL: '10/1',
    });
    stytch = officialClient(gateway);
  });
  afterAll(() => gateway.close());

  const newUser = async () => {
    const { user_id, email_id } = await stytch.users.create({ email: `session-user${++counter}@example.com` });
    return { userId: user_id, emailId: email_id, email: `session-user${counter}@example.com` };
  };
  const newLink = async (userId: string) => (await stytch.magicLinks.create({ user_id: userId })).token;
  const startSession = async (userId: string, extra: Record<string, unknown> = {}) =>
    stytch.magicLinks.authenticate({ token: await newLink(userId), session_duration_minutes: 60, ...extra });
  const sessionCount = async (userId: string) =>
    (await queryDatabase(gateway.databaseUrl, 'SELECT id FROM sessions WHERE user_id = $1', [userId])).length;

  it('starts a session the official client verifies locally against the JWKS', async () => {
    const { userId } = await newUser();
    const token = await newLink(userId);
    const before = Date.now();
    const response = await stytch.magicLinks.authenticate({
      token,
      session_duration_minutes: 60,
      session_custom_claims: { plan: 'pro', iss: 'forged', nested: { seats: 3 } },
      attributes: { ip_address: '203.0.113.7', user_agent: 'UA/1' },
    });
    expect(response.session_token).toMatch(/^[A-Za-z0-9_-]{44}$/);
    const session = response.session!;
    expect(session).toEqual({
      session_id: expect.stringMatching(new RegExp(`^session-test-${UUID}$`)),
      user_id: userId,
      started_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      last_accessed_at: session.started_at,
      expires_at: expect.any(String),
      attributes: { ip_address: '203.0.113.7', user_agent: 'UA/1' },
      authentication_factors: [
        {
          type: 'magic_link',
          delivery_method: 'embedded',
          embeddable_magic_link_factor: { embedded_id: response.method_id },
          last_authenticated_at: session.started_at,
          created_at: session.started_at,
          updated_at: session.started_at,
        },
      ],
      custom_claims: { plan: 'pro', nested: { seats: 3 } },
      roles: ['stytch_user'],
    });
    expect(Date.parse(session.expires_at!) - Date.parse(session.started_at!)).toBe(60 * 60_000);
    expect(Date.parse(session.started_at!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);

    const header = decodeProtectedHeader(response.session_jwt);
    expect(header).toEqual({ alg: 'RS256', kid: expect.any(String), typ: 'JWT' });
    const jwks = await gateway.request('GET', `/v1/sessions/jwks/${PROJECT_ID}`, undefined, { auth: null });
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toContain(header.kid);
    const claims = decodeJwt(response.session_jwt);
    expect(claims).toMatchObject({
      sub: userId,
      aud: [PROJECT_ID],
      iss: `stytch.com/${PROJECT_ID}`,
      plan: 'pro',
      'https://stytch.com/session': { id: session.session_id, roles: ['stytch_user'] },
    });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.nbf).toBe(claims.iat);

    const local = await stytch.sessions.authenticateJwtLocal({ session_jwt: response.session_jwt });
    expect(local).toMatchObject({
      session_id: session.session_id,
      user_id: userId,
      custom_claims: { plan: 'pro', nested: { seats: 3 } },
      roles: ['stytch_user'],
      authentication_factors: session.authentication_factors,
      expires_at: new Date(session.expires_at!).toISOString(),
    });
    // authenticateJwt answers from the local check: no request_id, so no call to the gateway.
    const viaJwt = await stytch.sessions.authenticateJwt({ session_jwt: response.session_jwt });
    expect(viaJwt).toEqual({ session: local, session_jwt: response.session_jwt });
  });

  it('stores only a keyed hash of the session token, and an email factor for an emailed link', async () => {
    const { userId, emailId, email } = await newUser();
    const { token } = await emailLoginLink(gateway, { email });
    const response = await stytch.magicLinks.authenticate({ token, session_duration_minutes: 5 });
    expect(response.session!.authentication_factors).toEqual([
      expect.objectContaining({
        type: 'magic_link',
        delivery_method: 'email',
        email_factor: { email_id: emailId, email_address: email },
      }),
    ]);
    const rows = await queryDatabase(gateway.databaseUrl, 'SELECT * FROM sessions WHERE user_id = $1', [userId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toBe(createHmac('sha256', TOKEN_HASH_KEY).update(response.session_token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(response.session_token);
  });

  it('stores the factor it answers with when the link and the session are written in one step', async () => {
    // The first emailed login verifies the address; the second, with nothing but the link left to update, writes
    // the link's consumption and the session together, its factor built by the database from the link's email.
    const { email } = await newUser();
    await stytch.magicLinks.authenticate({ token: (await emailLoginLink(gateway, { email })).token });
    const { token } = await emailLoginLink(gateway, { email });
    const started = await stytch.magicLinks.authenticate({ token, session_duration_minutes: 5 });
    const stored = await stytch.sessions.authenticate({ session_token: started.session_token });
    expect(stored.session.authentication_factors).toEqual(started.session!.authentication_factors);
    expect(stored.session.started_at).toBe(started.session!.started_at);
    expect(stored.session.custom_claims).toEqual({});
    await expectClientError(
      stytch.magicLinks.authenticate({ token, session_duration_minutes: 5 }),
      401,
      'unable_to_auth_magic_link',
    );
  });

  it('authenticates, extends and updates a session through sessions.authenticate', async () => {
    const { userId } = await newUser();
    const started = await startSession(userId, { session_custom_claims: { plan: 'pro' } });
    const sessionId = started.session!.session_id;

    const byToken = await stytch.sessions.authenticate({ session_token: started.session_token });
    expect(byToken).toMatchObject({
      status_code: 200,
      session_token: started.session_token,
      session: { session_id: sessionId, expires_at: started.session!.expires_at, custom_claims: { plan: 'pro' } },
      user: { user_id: userId },
    });
    expect(decodeJwt(byToken.session_jwt)['https://stytch.com/session']).toMatchObject({ id: sessionId });

    const extended = await stytch.sessions.authenticate({
      session_token: started.session_token,
      session_duration_minutes: 600,
      session_custom_claims: { plan: null, team: 'core', sub: 'forged' },
    });
    expect(Date.parse(extended.session.expires_at!)).toBeGreaterThan(Date.now() + 590 * 60_000);
    expect(extended.session.custom_claims).toEqual({ team: 'core' });
    const local = await stytch.sessions.authenticateJwtLocal({ session_jwt: extended.session_jwt });
    expect(local.custom_claims).toEqual({ team: 'core' });
    expect(local.user_id).toBe(userId);

    // Only a hash of the token is stored: authenticating by JWT cannot hand it back.
    const byJwt = await stytch.sessions.authenticate({ session_jwt: extended.session_jwt });
    expect(byJwt.session_token).toBe('');
    expect(byJwt.session.session_id).toBe(sessionId);
    expect(byJwt.session.expires_at).toBe(extended.session.expires_at);

    await expectClientError(
      stytch.sessions.authenticate({ session_token: started.session_token, session_jwt: byJwt.session_jwt }),
      400,
      'too_many_session_arguments',
    );
    await expectClientError(stytch.sessions.authenticate({}), 400, 'no_session_arguments');
    await expectClientError(
      stytch.sessions.authenticate({ session_token: 'WJtR5BCy38Szd5AfoDpf0iqFKEt4EE5JhjlWUY7l3FtY' }),
      404,
      'session_not_found',
    );
    await expectClientError(
      stytch.sessions.authenticate({
        session_token: started.session_token,
        session_custom_claims: { x: 'y'.repeat(5000) },
      }),
      400,
      'custom_claims_too_large',
    );
  });

  it('applies concurrent claim updates to one session without losing any', async () => {
    const { userId } = await newUser();
    const { session_token } = await startSession(userId);
    const keys = Array.from({ length: 8 }, (_, index) => `claim${index}`);
    await Promise.all([
      ...keys.map((key) => stytch.sessions.authenticate({ session_token, session_custom_claims: { [key]: key } })),
      ...keys.map(() => stytch.sessions.authenticate({ session_token, session_duration_minutes: 90 })),
    ]);
    const { session } = await stytch.sessions.authenticate({ session_token });
    expect(session.custom_claims).toEqual(Object.fromEntries(keys.map((key) => [key, key])));
    expect(Date.parse(session.expires_at!)).toBeGreaterThan(Date.now() + 80 * 60_000);
  });

  it('extends a session when a magic link authenticates with it, and issues a new session token', async () => {
    const { userId } = await newUser();
    const started = await startSession(userId);
    const sessionId = started.session!.session_id;

    const again = await stytch.magicLinks.authenticate({
      token: await newLink(userId),
      session_token: started.session_token,
      session_duration_minutes: 120,
    });
    expect(again.session!.session_id).toBe(sessionId);
    expect(again.session_token).not.toBe(started.session_token);
    expect(Date.parse(again.session!.expires_at!)).toBeGreaterThan(Date.parse(started.session!.expires_at!));
    expect(again.session!.authentication_factors.map((factor) => factor.embeddable_magic_link_factor)).toEqual([
      { embedded_id: started.method_id },
      { embedded_id: again.method_id },
    ]);
    await expectClientError(
      stytch.sessions.authenticate({ session_token: started.session_token }),
      404,
      'session_not_found',
    );

    // By JWT and without a duration: the factor is added, the expiry stays.
    const third = await stytch.magicLinks.authenticate({
      token: await newLink(userId),
      session_jwt: again.session_jwt,
    });
    expect(third.session!.session_id).toBe(sessionId);
    expect(third.session!.expires_at).toBe(again.session!.expires_at);
    expect(third.session!.authentication_factors).toHaveLength(3);
    expect((await stytch.sessions.authenticate({ session_token: third.session_token })).session.session_id).toBe(
      sessionId,
    );
    expect(await sessionCount(userId)).toBe(1);
  });

  it('refuses bad session arguments before consuming the magic link', async () => {
    const { userId } = await newUser();
    const other = await newUser();
    const own = await startSession(userId);
    const foreign = await startSession(other.userId);
    const token = await newLink(userId);
    const authenticate = (body: Record<string, unknown>) =>
      gateway.request('POST', '/v1/magic_links/authenticate', { token, ...body });

    expectStytchError(
      await authenticate({ session_token: own.session_token, session_jwt: own.session_jwt }),
      400,
      'too_many_session_arguments',
    );
    expectStytchError(
      await authenticate({ session_token: 'WJtR5BCy38Szd5AfoDpf0iqFKEt4EE5JhjlWUY7l3FtY' }),
      404,
      'session_not_found',
    );
    expectStytchError(await authenticate({ session_jwt: 'not.a.jwt' }), 400, 'unable_to_parse_session_jwt');
    expectStytchError(await authenticate({ session_token: foreign.session_token }), 400, 'user_id_mismatch');
    expectStytchError(
      await authenticate({ session_duration_minutes: 60, session_custom_claims: { big: 'x'.repeat(4100) } }),
      400,
      'custom_claims_too_large',
    );
    expectStytchError(
      await authenticate({ session_duration_minutes: 60, session_custom_claims: { 'https://stytch.com/session': {} } }),
      400,
      'stytch_claims_in_custom_claims',
    );
    expectStytchError(await authenticate({ session_duration_minutes: 4 }), 400, 'invalid_session_duration_minutes');
    await queryDatabase(gateway.databaseUrl, 'UPDATE sessions SET expires_at = $1 WHERE id = $2', [
      storedTime(database, new Date(Date.now() - 1000)),
      own.session!.session_id,
    ]);
    expectStytchError(await authenticate({ session_token: own.session_token }), 404, 'session_not_found');

    // None of that burned the token or started a session.
    expect(await sessionCount(userId)).toBe(1);
    const ok = await authenticate({ session_duration_minutes: 5 });
    expect(ok.status).toBe(200);
    expect(ok.body.session.session_id).not.toBe(own.session!.session_id);
    expectStytchError(await authenticate({}), 401, 'unable_to_auth_magic_link');
  });

  it('authenticates without a session when none is asked for, whatever the custom claims', async () => {
    const { userId } = await newUser();
    const response = await stytch.magicLinks.authenticate({
      token: await newLink(userId),
      session_custom_claims: { plan: 'pro' },
      session_token: '',
    });
    expect(response).toMatchObject({ session_token: '', session_jwt: '' });
    expect(response).not.toHaveProperty('session');
    expect(await sessionCount(userId)).toBe(0);
  });

  it('revokes a session by session_id, session_token or session_jwt', async () => {
    const { userId } = await newUser();
    const [byId, byToken, byJwt] = [await startSession(userId), await startSession(userId), await startSession(userId)];

    expect(await stytch.sessions.revoke({ session_id: byId.session!.session_id })).toMatchObject({ status_code: 200 });
    await stytch.sessions.revoke({ session_token: byToken.session_token });
    await stytch.sessions.revoke({ session_jwt: byJwt.session_jwt });
    for (const revoked of [byId, byToken, byJwt]) {
      await expectClientError(
        stytch.sessions.authenticate({ session_token: revoked.session_token }),
        404,
        'session_not_found',
      );
    }
    expect(await sessionCount(userId)).toBe(0);
    // A revoked session's JWT still verifies locally until it expires; a remote check refuses it at once.
    await expect(stytch.sessions.authenticateJwtLocal({ session_jwt: byJwt.session_jwt })).resolves.toBeDefined();
    await expectClientError(
      stytch.sessions.authenticateJwt({ session_jwt: byJwt.session_jwt, max_token_age_seconds: 0 }),
      404,
      'session_not_found',
    );

    await expectClientError(stytch.sessions.revoke({ session_id: byId.session!.session_id }), 404, 'session_not_found');
    await expectClientError(stytch.sessions.revoke({}), 400, 'no_session_revoke_arguments');
    await expectClientError(
      stytch.sessions.revoke({ session_id: byId.session!.session_id, session_token: byId.session_token }),
      400,
      'too_many_session_revoke_arguments',
    );
    await expectClientError(stytch.sessions.revoke({ session_id: 'session-1' }), 400, 'invalid_session_id');
    await expectClientError(
      stytch.sessions.revoke({ session_id: `session-live-${randomUUID()}` }),
      400,
      'live_id_used_in_test_environment',
    );
  });

  it("lists a user's live sessions, by user_id or external_id", async () => {
    const { user_id: userId } = await stytch.users.create({
      email: `listed-${database}@example.com`,
      external_id: `listed-${database}`,
    });
    const first = await startSession(userId);
    const second = await startSession(userId);
    const listed = await stytch.sessions.get({ user_id: userId });
    expect(listed.status_code).toBe(200);
    expect(listed.sessions.map((session) => session.session_id).sort()).toEqual(
      [first.session!.session_id, second.session!.session_id].sort(),
    );
    expect(listed.sessions[0]).toMatchObject({ user_id: userId, roles: ['stytch_user'] });

    await stytch.sessions.revoke({ session_id: first.session!.session_id });
    const after = await stytch.sessions.get({ user_id: `listed-${database}` });
    expect(after.sessions.map((session) => session.session_id)).toEqual([second.session!.session_id]);

    await expectClientError(stytch.sessions.get({ user_id: `user-test-${randomUUID()}` }), 404, 'user_not_found');
    expectStytchError(await gateway.request('GET', '/v1/sessions'), 400, 'invalid_user_id');
    expectStytchError(
      await gateway.request('GET', '/v1/sessions', undefined, { auth: null }),
      401,
      'unauthorized_credentials',
    );
    expectStytchError(
      await gateway.request(
        'POST',
        '/v1/sessions/authenticate',
        { session_token: first.session_token },
        { auth: null },
      ),
      401,
      'unauthorized_credentials',
    );
  });

  it('serves the JWKS without credentials, and refuses an unknown project id', async () => {
    const response = await gateway.request('GET', `/v1/sessions/jwks/${PROJECT_ID}`, undefined, { auth: null });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      keys: [
        {
          kty: 'RSA',
          use: 'sig',
          key_ops: ['verify'],
          alg: 'RS256',
          kid: expect.stringMatching(new RegExp(`^jwk-test-${UUID}$`)),
          n: expect.stringMatching(/^[A-Za-z0-9_-]{342}$/),
          e: 'AQAB',
        },
      ],
      request_id: expect.stringMatching(/^request-id-test-/),
      status_code: 200,
    });
    expect((await stytch.sessions.getJWKS({ project_id: PROJECT_ID })).keys).toEqual(response.body.keys);
    expectStytchError(
      await gateway.request('GET', '/v1/sessions/jwks/project-test-00000000-0000-4000-8000-000000000000', undefined, {
        auth: null,
      }),
      404,
      'project_not_found',
    );
  });

  it('refuses a JWT signed by another key, or expired, locally and remotely', async () => {
    const { userId } = await newUser();
    const { session_jwt } = await startSession(userId);
    const header = decodeProtectedHeader(session_jwt);
    const { privateKey } = await generateKeyPair('RS256');
    // The same header and claims, signed by a key the gateway never had.
    const forged = await new SignJWT(decodeJwt(session_jwt))
      .setProtectedHeader({ alg: 'RS256', kid: header.kid, typ: 'JWT' })
      .sign(privateKey);
    await expectLocallyRefused(stytch.sessions.authenticateJwtLocal({ session_jwt: forged }));
    await expectClientError(stytch.sessions.authenticate({ session_jwt: forged }), 400, 'unable_to_parse_session_jwt');
    await expectClientError(
      stytch.sessions.authenticateJwt({ session_jwt: forged }),
      400,
      'unable_to_parse_session_jwt',
    );

    const sixMinutesLater = new Date(Date.now() + 6 * 60_000);
    await expectLocallyRefused(stytch.sessions.authenticateJwtLocal({ session_jwt, current_date: sixMinutesLater }));
  });
});
