import type { Client, StytchError } from 'stytch';
import { emailLoginLink } from './support/email-link.js';
import { DATABASES, queryDatabase, startGateway, type RunningGateway } from './support/gateway.js';
import { expectClientError, officialClient, storedTime } from './support/sessions.js';

/** Twenty-one top-level keys: one more than Stytch allows. */
const TWENTY_ONE_KEYS = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]));

describe.each(DATABASES)('Updating users and their emails through the official client on %s', (database) => {
  let gateway: RunningGateway;
  let client: Client;
  let serial = 0;
  /** A fresh address per test, so that tests do not share users. */
  const address = (name: string) => `${name}-${database}-${++serial}@example.com`;

  beforeAll(async () => {
    // Several sends to one address within a second: the per-email limit is not what is tested here.
    gateway = await startGateway(database, { RATE_LIMIT_PER_EMAIL: '100/1' });
    client = officialClient(gateway);
  });
  afterAll(() => gateway.close());

  /** A user with a second email added by a login link sent with user_id; that link is still pending. */
  async function userWithTwoEmails() {
    const created = await client.users.create({ email: address('first') });
    const second = address('second');
    const sent = await client.magicLinks.email.send({ email: second, user_id: created.user_id });
    const link = await emailLoginLink(gateway, { email: second });
    return { userId: created.user_id, firstEmailId: created.email_id, secondEmailId: sent.email_id, second, link };
  }

  describe('users.update', () => {
    it("merges metadata at the top level as Stytch does, keeps the name's other parts and answers Stytch's shape", async () => {
      const created = await client.users.create({
        email: address('ada'),
        name: { first_name: 'Ada', last_name: 'Lovelace' },
        trusted_metadata: { plan: 'pro', seats: 3, prefs: { a: 1, b: 2 }, tags: ['x'] },
        untrusted_metadata: { theme: 'dark' },
      });

      const updated = await client.users.update({
        user_id: created.user_id,
        name: { last_name: 'King' },
        trusted_metadata: { seats: null, prefs: { c: 3 }, tags: ['y', 'z'], region: 'eu' },
        external_id: `ada-${database}`,
        roles: ['editor'],
      });

      const expectedUser = {
        user_id: created.user_id,
        name: { first_name: 'Ada', middle_name: '', last_name: 'King' },
        trusted_metadata: { plan: 'pro', prefs: { c: 3 }, tags: ['y', 'z'], region: 'eu' },
        untrusted_metadata: { theme: 'dark' },
        external_id: `ada-${database}`,
        roles: ['editor'],
      };
      expect(updated).toMatchObject({
        status_code: 200,
        user_id: created.user_id,
        emails: [{ email_id: created.email_id, email: created.user.emails[0].email, verified: false }],
        phone_numbers: [],
        crypto_wallets: [],
        user: expectedUser,
      });
      expect(updated.user.trusted_metadata).toEqual(expectedUser.trusted_metadata);
      const fetched = await client.users.get({ user_id: `ada-${database}` });
      expect(fetched).toMatchObject(expectedUser);
      expect(fetched.trusted_metadata).toEqual(expectedUser.trusted_metadata);

      // Deleting every key leaves an empty object; a body without metadata leaves it alone.
      const emptied = await client.users.update({
        user_id: created.user_id,
        untrusted_metadata: { theme: null, never_set: null },
      });
      expect(emptied.user.untrusted_metadata).toEqual({});
      expect(emptied.user.trusted_metadata).toEqual(expectedUser.trusted_metadata);
    });

    it('refuses metadata over the limits once merged, a taken external_id, and changes nothing then', async () => {
      const taken = await client.users.create({ email: address('taken'), external_id: `taken-${database}` });
      const created = await client.users.create({
        email: address('grace'),
        name: { first_name: 'Grace' },
        trusted_metadata: { k0: 'kept' },
      });
      const before = await client.users.get({ user_id: created.user_id });

      // Twenty keys fit; the twenty-first, counted after the merge, does not.
      await client.users.update({
        user_id: created.user_id,
        trusted_metadata: Object.fromEntries(Object.entries(TWENTY_ONE_KEYS).slice(1, 20)),
      });
      const twenty = await client.users.get({ user_id: created.user_id });
      expect(Object.keys(twenty.trusted_metadata!)).toHaveLength(20);
      await expectClientError(
        client.users.update({ user_id: created.user_id, name: { first_name: 'Nope' }, trusted_metadata: { k20: 1 } }),
        400,
        'metadata_too_many_keys',
      );
      // Deleting one key in the same request makes room.
      await client.users.update({ user_id: created.user_id, trusted_metadata: { k19: null, k20: 1 } });

      await expectClientError(
        client.users.update({
          user_id: created.user_id,
          name: { first_name: 'Nope' },
          untrusted_metadata: { blob: 'x'.repeat(4096) },
        }),
        400,
        'metadata_too_large',
      );
      await expectClientError(
        client.users.update({
          user_id: created.user_id,
          untrusted_metadata: ['a'] as unknown as Record<string, never>,
        }),
        400,
        'metadata_invalid_format',
      );
      await expectClientError(
        client.users.update({
          user_id: created.user_id,
          name: { first_name: 'Nope' },
          external_id: `taken-${database}`,
        }),
        400,
        'duplicate_user_external_id',
      );

      const after = await client.users.get({ user_id: created.user_id });
      expect(after.name).toEqual(before.name);
      expect(after.untrusted_metadata).toEqual({});
      expect(after.external_id).toBe('');
      expect(Object.keys(after.trusted_metadata!).sort()).toEqual(
        Object.keys(TWENTY_ONE_KEYS)
          .filter((key) => key !== 'k19')
          .sort(),
      );
      expect((await client.users.get({ user_id: taken.user_id })).external_id).toBe(`taken-${database}`);

      // The same limits hold when the user is created, by create or by invite.
      await expectClientError(
        client.users.create({ email: address('many'), trusted_metadata: TWENTY_ONE_KEYS }),
        400,
        'metadata_too_many_keys',
      );
      await expectClientError(
        client.magicLinks.email.invite({ email: address('invitee'), untrusted_metadata: { blob: 'x'.repeat(4096) } }),
        400,
        'metadata_too_large',
      );
    });

    it('answers user_not_found and invalid_user_id', async () => {
      await expectClientError(
        client.users.update({ user_id: 'user-test-00000000-0000-4000-8000-000000000000', name: { first_name: 'X' } }),
        404,
        'user_not_found',
      );
      await expectClientError(client.users.update({ user_id: 'not an id', name: {} }), 400, 'invalid_user_id');
    });

    it('loses no key when many updates of one user run at once', async () => {
      const created = await client.users.create({ email: address('race') });
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          client.users.update({
            user_id: created.user_id,
            trusted_metadata: { [`t${i}`]: i },
            untrusted_metadata: { [`u${i}`]: i },
          }),
        ),
      );
      const fetched = await client.users.get({ user_id: created.user_id });
      expect(Object.keys(fetched.trusted_metadata!)).toHaveLength(12);
      expect(Object.keys(fetched.untrusted_metadata!)).toHaveLength(12);
    });
  });

  describe('users.deleteEmail', () => {
    it('removes the email, answers the user without it, and the pending link to it no longer authenticates', async () => {
      const { userId, firstEmailId, secondEmailId, second, link } = await userWithTwoEmails();

      const deleted = await client.users.deleteEmail({ email_id: secondEmailId });
      expect(deleted).toMatchObject({ status_code: 200, user_id: userId });
      expect(deleted.user.emails.map((email) => email.email_id)).toEqual([firstEmailId]);

      await expectClientError(client.magicLinks.authenticate({ token: link.token }), 401, 'unable_to_auth_magic_link');
      // Expired, not deleted: the redirect page says so, a queued mail is not sent, and the link's events stay.
      const links = await queryDatabase<{ total: number | string; live: number | string }>(
        gateway.databaseUrl,
        'SELECT COUNT(*) AS total, SUM(CASE WHEN expires_at > $1 THEN 1 ELSE 0 END) AS live FROM magic_links WHERE email_id = $2',
        [storedTime(database, new Date()), secondEmailId],
      );
      expect(links.map((row) => ({ total: Number(row.total), live: Number(row.live) }))).toEqual([
        { total: 2, live: 0 },
      ]);
      const fetched = await client.users.get({ user_id: userId });
      expect(fetched.emails.map((email) => email.email_id)).toEqual([firstEmailId]);
      await expectClientError(client.users.deleteEmail({ email_id: secondEmailId }), 404, 'email_not_found');

      // The remaining email still logs in; the removed address is free for another user.
      const first = await emailLoginLink(gateway, { email: fetched.emails[0].email });
      expect((await client.magicLinks.authenticate({ token: first.token })).user_id).toBe(userId);
      expect((await client.users.create({ email: second })).user_id).not.toBe(userId);
    });

    it("refuses the user's last email, unknown ids and malformed ones", async () => {
      const created = await client.users.create({ email: address('last') });
      await expectClientError(
        client.users.deleteEmail({ email_id: created.email_id }),
        400,
        'cannot_delete_last_primary_factor',
      );
      expect((await client.users.get({ user_id: created.user_id })).emails).toHaveLength(1);
      await expectClientError(
        client.users.deleteEmail({ email_id: 'email-test-00000000-0000-4000-8000-000000000000' }),
        404,
        'email_not_found',
      );
      await expectClientError(client.users.deleteEmail({ email_id: 'not-an-email-id' }), 400, 'invalid_email_id');
      await expectClientError(
        client.users.deleteEmail({ email_id: 'email-live-00000000-0000-4000-8000-000000000000' }),
        400,
        'live_id_used_in_test_environment',
      );
    });

    it('keeps one email when every email of a user is deleted at once', async () => {
      const { userId, firstEmailId, secondEmailId } = await userWithTwoEmails();
      const third = await client.magicLinks.email.send({ email: address('third'), user_id: userId });
      const outcomes = await Promise.allSettled(
        [firstEmailId, secondEmailId, third.email_id].map((email_id) => client.users.deleteEmail({ email_id })),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(2);
      expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({
        reason: { error_type: 'cannot_delete_last_primary_factor' },
      });
      expect((await client.users.get({ user_id: userId })).emails).toHaveLength(1);
    });

    it('answers both calls when a pending user authenticates a link to the email being deleted', async () => {
      const attempts = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const created = await client.users.create({ email: address('pending'), create_user_as_pending: true });
          const second = address('pending-second');
          const sent = await client.magicLinks.email.send({ email: second, user_id: created.user_id });
          const { token } = await emailLoginLink(gateway, { email: second });
          const [authenticated, deleted] = await Promise.allSettled([
            client.magicLinks.authenticate({ token, session_duration_minutes: 60 }),
            client.users.deleteEmail({ email_id: sent.email_id }),
          ]);
          return {
            authenticated:
              authenticated.status === 'fulfilled' ? 200 : (authenticated.reason as StytchError).status_code,
            deleted: deleted.status === 'fulfilled' ? 200 : (deleted.reason as StytchError).status_code,
          };
        }),
      );
      // Either the link wins (200) and the email is deleted after, or the delete wins and the link is refused (401).
      for (const attempt of attempts) {
        expect([200, 401]).toContain(attempt.authenticated);
        expect(attempt.deleted).toBe(200);
      }
    });

    it('refuses a link whose email is gone even if nothing expired it (a send racing the delete)', async () => {
      const { secondEmailId, link } = await userWithTwoEmails();
      // What a send that committed just after the delete leaves: a live link to an email that no longer exists.
      await queryDatabase(gateway.databaseUrl, 'DELETE FROM user_emails WHERE id = $1', [secondEmailId]);
      await expectClientError(client.magicLinks.authenticate({ token: link.token }), 401, 'unable_to_auth_magic_link');
    });
  });

  describe('users.exchangePrimaryFactor', () => {
    it("replaces the user's only email with a new, unverified one; links to the old one stop working", async () => {
      const created = await client.users.create({ email: address('old') });
      const old = await emailLoginLink(gateway, { email: created.user.emails[0].email });
      const replacement = address('new');

      const exchanged = await client.users.exchangePrimaryFactor({
        user_id: created.user_id,
        email_address: replacement,
      });
      expect(exchanged).toMatchObject({ status_code: 200, user_id: created.user_id });
      expect(exchanged.user.emails).toEqual([{ email_id: expect.any(String), email: replacement, verified: false }]);
      expect(exchanged.user.emails[0].email_id).not.toBe(created.email_id);

      await expectClientError(client.magicLinks.authenticate({ token: old.token }), 401, 'unable_to_auth_magic_link');
      const fresh = await emailLoginLink(gateway, { email: replacement });
      const authenticated = await client.magicLinks.authenticate({ token: fresh.token });
      expect(authenticated.user.emails).toEqual([{ ...exchanged.user.emails[0], verified: true }]);

      // The same mailbox in another spelling keeps its id and its verification.
      const respelled = await client.users.exchangePrimaryFactor({
        user_id: created.user_id,
        email_address: replacement.toUpperCase(),
      });
      expect(respelled.user.emails).toEqual([
        { email_id: exchanged.user.emails[0].email_id, email: replacement.toUpperCase(), verified: true },
      ]);
    });

    it('ends with exactly one email when several exchanges of one user run at once, each answering 200', async () => {
      const created = await client.users.create({ email: address('racer') });
      const addresses = Array.from({ length: 5 }, () => address('racer-new'));
      const outcomes = await Promise.allSettled(
        addresses.map((email_address) =>
          client.users.exchangePrimaryFactor({ user_id: created.user_id, email_address }),
        ),
      );
      expect(outcomes.map((outcome) => outcome.status)).toEqual(addresses.map(() => 'fulfilled'));
      const { emails } = await client.users.get({ user_id: created.user_id });
      expect(emails).toHaveLength(1);
      expect(addresses).toContain(emails[0].email);
    });

    it('refuses a user with two emails, a taken address and a phone number', async () => {
      const { userId } = await userWithTwoEmails();
      await expectClientError(
        client.users.exchangePrimaryFactor({ user_id: userId, email_address: address('any') }),
        400,
        'invalid_exchange_primary_factor_user',
      );
      const one = await client.users.create({ email: address('one') });
      const other = await client.users.create({ email: address('other') });
      await expectClientError(
        client.users.exchangePrimaryFactor({ user_id: one.user_id, email_address: other.user.emails[0].email }),
        400,
        'duplicate_email',
      );
      await expectClientError(
        client.users.exchangePrimaryFactor({ user_id: one.user_id, phone_number: '+10000000000' }),
        400,
        'invalid_exchange_primary_factor_fields',
      );
      expect((await client.users.get({ user_id: one.user_id })).emails).toEqual(one.user.emails);
    });
  });

  it('users.deleteExternalId frees the external_id for another user', async () => {
    const created = await client.users.create({ email: address('ext'), external_id: `ext-${database}` });
    const removed = await client.users.deleteExternalId({ user_id: `ext-${database}` });
    expect(removed).toMatchObject({ status_code: 200, user_id: created.user_id, user: { external_id: '' } });
    await expectClientError(client.users.get({ user_id: `ext-${database}` }), 404, 'user_not_found');
    const other = await client.users.create({ email: address('ext2'), external_id: `ext-${database}` });
    expect((await client.users.get({ user_id: `ext-${database}` })).user_id).toBe(other.user_id);
  });

  it('answers route_not_found to the client methods of factors and products this gateway does not have', async () => {
    const created = await client.users.create({ email: address('unserved') });
    await expectClientError(
      client.users.deletePhoneNumber({ phone_id: 'phone-number-test-00000000-0000-4000-8000-000000000000' }),
      404,
      'route_not_found',
    );
    await expectClientError(client.users.connectedApps({ user_id: created.user_id }), 404, 'route_not_found');
    await expectClientError(client.sessions.migrate({ session_token: 'external-token' }), 404, 'route_not_found');
  });
});
