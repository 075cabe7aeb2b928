import { DATABASES, expectStytchError, startGateway, type RunningGateway } from './support/gateway.js';

describe.each(DATABASES)('Users on %s', (database) => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway(database);
  });
  afterAll(() => gateway.close());

  it('creates, gets (flat) and deletes a user, by user_id and by external_id', async () => {
    const created = await gateway.request('POST', '/v1/users', {
      email: 'Ada.Lovelace@Example.com',
      external_id: `crm-${database}-1`,
      name: { first_name: 'Ada', last_name: 'Lovelace' },
      trusted_metadata: { plan: 'pro' },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      status_code: 200,
      status: 'active',
      phone_id: '',
      user: { emails: [{ email: 'Ada.Lovelace@Example.com', verified: false }], external_id: `crm-${database}-1` },
    });
    expect(created.body.user_id).toMatch(/^user-test-[0-9a-f-]{36}$/);
    expect(created.body.email_id).toMatch(/^email-test-[0-9a-f-]{36}$/);
    expect(created.body.request_id).toMatch(/^request-id-test-[0-9a-f-]{36}$/);

    const byId = await gateway.request('GET', `/v1/users/${created.body.user_id}`);
    expect(byId.status).toBe(200);
    expect(byId.body).not.toHaveProperty('user');
    expect(byId.body).toMatchObject({
      user_id: created.body.user_id,
      status: 'active',
      name: { first_name: 'Ada', last_name: 'Lovelace' },
      trusted_metadata: { plan: 'pro' },
      phone_numbers: [],
      is_locked: false,
      status_code: 200,
    });
    expect(byId.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const byExternalId = await gateway.request('GET', `/v1/users/crm-${database}-1`);
    expect(byExternalId.body.user_id).toBe(created.body.user_id);

    const deleted = await gateway.request('DELETE', `/v1/users/crm-${database}-1`, {});
    expect(deleted.body).toMatchObject({ user_id: created.body.user_id, status_code: 200 });
    expectStytchError(await gateway.request('GET', `/v1/users/${created.body.user_id}`), 404, 'user_not_found');
  });

  it('refuses a second user for the same mailbox, whatever its case, and a reused external_id', async () => {
    await gateway.request('POST', '/v1/users', { email: 'grace@example.com', external_id: `dup-${database}` });
    expectStytchError(
      await gateway.request('POST', '/v1/users', { email: 'GRACE@example.com' }),
      400,
      'duplicate_email',
    );
    expectStytchError(
      await gateway.request('POST', '/v1/users', { email: 'other@example.com', external_id: `dup-${database}` }),
      400,
      'duplicate_user_external_id',
    );
  });

  it.each([
    ['a display name', 'Ada <ada@example.com>'],
    ['two addresses', 'ada@example.com,eve@example.com'],
    ['a CR/LF', 'ada@example.com\r\nBcc: eve@example.com'],
    ['a comment', 'ada(comment)@example.com'],
    ['no domain dot', 'ada@localhost'],
    ['a number', 42],
  ])('refuses an email with %s as invalid_email', async (_, email) => {
    expectStytchError(await gateway.request('POST', '/v1/users', { email }), 400, 'invalid_email');
  });

  it('answers invalid_user_id for a malformed id and user_not_found for an unknown one', async () => {
    expectStytchError(await gateway.request('GET', '/v1/users/not%20an%20id'), 400, 'invalid_user_id');
    expectStytchError(
      await gateway.request('GET', '/v1/users/user-test-00000000-0000-4000-8000-000000000000'),
      404,
      'user_not_found',
    );
    expectStytchError(
      await gateway.request('GET', '/v1/users/user-live-00000000-0000-4000-8000-000000000000'),
      400,
      'live_id_used_in_test_environment',
    );
  });

  it('creates pending users on request', async () => {
    const created = await gateway.request('POST', '/v1/users', {
      email: 'pending@example.com',
      create_user_as_pending: true,
    });
    expect(created.body.status).toBe('pending');
  });
});
