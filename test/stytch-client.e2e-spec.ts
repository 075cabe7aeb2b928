import { Client, StytchError } from 'stytch';
import { DATABASES, PROJECT_ID, SECRET, startGateway, type RunningGateway } from './support/gateway.js';

/** The StytchError a call fails with; fails the test if the call succeeds or fails some other way. */
async function stytchErrorOf(call: Promise<unknown>): Promise<StytchError> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StytchError);
  return error as StytchError;
}

/** A client on the gateway; the client warns that a custom `env` is in use, which is the point here. */
function clientFor(url: string, secret = SECRET): Client {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return new Client({ project_id: PROJECT_ID, secret, env: `${url}/` });
  } finally {
    console.warn = warn;
  }
}

describe.each(DATABASES)('The official stytch client against the gateway on %s', (database) => {
  let gateway: RunningGateway;
  let client: Client;
  beforeAll(async () => {
    gateway = await startGateway(database);
    client = clientFor(gateway.url);
  });
  afterAll(() => gateway.close());

  it('creates a user, creates and authenticates a magic link, then gets and deletes the user', async () => {
    const created = await client.users.create({ email: `client-${database}@example.com` });
    expect(created).toMatchObject({ status_code: 200, status: 'active' });
    expect(created.user_id).toMatch(/^user-test-/);

    const link = await client.magicLinks.create({ user_id: created.user_id, expiration_minutes: 10 });
    expect(link.user_id).toBe(created.user_id);

    const authenticated = await client.magicLinks.authenticate({ token: link.token });
    expect(authenticated).toMatchObject({
      status_code: 200,
      user_id: created.user_id,
      user: { user_id: created.user_id, emails: [{ email: `client-${database}@example.com` }] },
    });

    const reused = await stytchErrorOf(client.magicLinks.authenticate({ token: link.token }));
    expect(reused).toMatchObject({ status_code: 401, error_type: 'unable_to_auth_magic_link' });
    expect(reused.request_id).toMatch(/^request-id-test-/);

    const fetched = await client.users.get({ user_id: created.user_id });
    expect(fetched).toMatchObject({ user_id: created.user_id, status: 'active', status_code: 200 });

    const deleted = await client.users.delete({ user_id: created.user_id });
    expect(deleted).toMatchObject({ user_id: created.user_id, status_code: 200 });
    const gone = await stytchErrorOf(client.users.get({ user_id: created.user_id }));
    expect(gone).toMatchObject({ status_code: 404, error_type: 'user_not_found' });
  });

  it('reports an unknown token as magic_link_not_found', async () => {
    const error = await stytchErrorOf(
      client.magicLinks.authenticate({ token: 'CprTtwhnRNiMBiUS2jSLcWYrfuO2POeBNdo5HhW6qTM=' }),
    );
    expect(error).toMatchObject({ status_code: 404, error_type: 'magic_link_not_found' });
  });

  it('reports a wrong secret as unauthorized_credentials', async () => {
    const wrong = clientFor(gateway.url, `${SECRET}-wrong`);
    const error = await stytchErrorOf(wrong.users.create({ email: `nobody-${database}@example.com` }));
    expect(error).toMatchObject({ status_code: 401, error_type: 'unauthorized_credentials' });
    expect(error.error_message).toBe('Unauthorized credentials.');
  });
});
