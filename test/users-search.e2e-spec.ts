import type { Client, UsersSearchRequest } from 'stytch';
import { emailLoginLink } from './support/email-link.js';
import { DATABASES, expectStytchError, startGateway, type RunningGateway } from './support/gateway.js';
import { expectClientError, officialClient } from './support/sessions.js';

const PAGING_USERS = 23;

describe.each(DATABASES)('users.search on %s', (database) => {
  let gateway: RunningGateway;
  let stytch: Client;
  const ids: Record<'ada' | 'bob' | 'carol' | 'dave', string> = { ada: '', bob: '', carol: '', dave: '' };
  let adaEmailId = '';
  let afterNamed: Date;
  let paged: string[] = [];

  const search = async (request: UsersSearchRequest) => (await stytch.users.search(request)).results;
  const userIds = async (request: UsersSearchRequest) => (await search(request)).map((user) => user.user_id).sort();
  const named = (...names: (keyof typeof ids)[]) => names.map((name) => ids[name]).sort();
  const one = (filter_name: string, filter_value: unknown) =>
    userIds({ query: { operator: 'AND', operands: [{ filter_name, filter_value }] } });

  beforeAll(async () => {
    gateway = await startGateway(database);
    stytch = officialClient(gateway);
    const ada = await stytch.users.create({
      email: 'ada@example.com',
      external_id: 'crm-ada',
      name: { first_name: 'Ada' },
    });
    ids.ada = ada.user_id;
    adaEmailId = ada.email_id;
    // Ada's address becomes verified the way it does in production: she authenticates a link mailed to her.
    const link = await emailLoginLink(gateway, { email: 'ada@example.com' });
    await stytch.magicLinks.authenticate({ token: link.token });
    ids.bob = (await stytch.users.create({ email: 'bob@example.org', create_user_as_pending: true })).user_id;
    ids.carol = (await stytch.users.create({ email: 'carol@sub.example.com' })).user_id;
    ids.dave = (await stytch.users.create({ email: 'Dave@EXAMPLE.com' })).user_id;
    // Created_at is kept to the millisecond: a few of them apart puts the named users strictly before afterNamed.
    await new Promise((resolve) => setTimeout(resolve, 5));
    afterNamed = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (let index = 0; index < PAGING_USERS; index++) {
      paged.push((await stytch.users.create({ email: `page-${String(index).padStart(2, '0')}@paging.test` })).user_id);
    }
  });
  afterAll(() => gateway.close());

  it('lists every user, oldest first, as users.get shows them, when the query is empty or has no operands', async () => {
    const all = await stytch.users.search({});
    expect(all.status_code).toBe(200);
    expect(all.results_metadata).toEqual({ total: 4 + PAGING_USERS, next_cursor: null });
    expect(all.results.map((user) => user.user_id)).toEqual([ids.ada, ids.bob, ids.carol, ids.dave, ...paged]);
    const ada: Record<string, unknown> = { ...(await stytch.users.get({ user_id: ids.ada })) };
    delete ada.request_id;
    delete ada.status_code;
    expect(all.results[0]).toEqual(ada);
    expect(all.results[0]).toMatchObject({
      emails: [{ email_id: adaEmailId, verified: true }],
      external_id: 'crm-ada',
    });
    expect(await userIds({ query: { operator: 'OR', operands: [] } })).toHaveLength(4 + PAGING_USERS);
  });

  it('filters by each operand', async () => {
    expect(await one('user_id', [ids.bob, ids.dave, 'user-test-00000000-0000-4000-8000-000000000000'])).toEqual(
      named('bob', 'dave'),
    );
    expect(await one('email_id', [adaEmailId])).toEqual(named('ada'));
    // Addresses compare case-insensitively, as the uniqueness of a mailbox does.
    expect(await one('email_address', ['ADA@example.COM', 'dave@example.com'])).toEqual(named('ada', 'dave'));
    // A prefix of the address or of its domain.
    expect(await one('email_address_fuzzy', 'CAR')).toEqual(named('carol'));
    expect(await one('email_address_fuzzy', 'exam')).toEqual(named('ada', 'bob', 'dave'));
    expect(await one('email_address_fuzzy', 'ample')).toEqual([]);
    expect(await one('email_domain', 'EXAMPLE.com')).toEqual(named('ada', 'dave'));
    expect(await one('email_domain', ['sub.example.com', '@example.org'])).toEqual(named('bob', 'carol'));
    expect(await one('email_verified', true)).toEqual(named('ada'));
    expect(await one('email_verified', false)).toEqual([...named('bob', 'carol', 'dave'), ...paged].sort());
    expect(await one('status', 'pending')).toEqual(named('bob'));
    expect(await one('status', 'active')).not.toContain(ids.bob);
    expect(await one('external_id', ['crm-ada', 'nobody'])).toEqual(named('ada'));
    expect(await one('created_at_less_than', afterNamed.toISOString())).toEqual(named('ada', 'bob', 'carol', 'dave'));
    expect(await one('created_at_greater_than', afterNamed.toISOString())).toEqual([...paged].sort());
    expect(
      await one('created_at_between', {
        greater_than: new Date(afterNamed.getTime() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        less_than: afterNamed.toISOString(),
      }),
    ).toEqual(named('ada', 'bob', 'carol', 'dave'));
    expect(
      await one('created_at_between', { greater_than: '2001-01-01T00:00:00Z', less_than: '2002-01-01T00:00:00+02:00' }),
    ).toEqual([]);
  });

  it('joins operands with AND and with OR', async () => {
    expect(
      await userIds({
        query: {
          operator: 'AND',
          operands: [
            { filter_name: 'email_domain', filter_value: 'example.com' },
            { filter_name: 'email_verified', filter_value: false },
          ],
        },
      }),
    ).toEqual(named('dave'));
    expect(
      await userIds({
        query: {
          operator: 'OR',
          operands: [
            { filter_name: 'status', filter_value: 'pending' },
            { filter_name: 'external_id', filter_value: ['crm-ada'] },
            { filter_name: 'email_address_fuzzy', filter_value: 'carol@' },
          ],
        },
      }),
    ).toEqual(named('ada', 'bob', 'carol'));
  });

  it('pages with next_cursor without repeating or skipping anyone while users are created and deleted', async () => {
    const query = { operator: 'AND', operands: [{ filter_name: 'email_domain', filter_value: 'paging.test' }] };
    const first = await stytch.users.search({ query, limit: 10 });
    expect(first.results.map((user) => user.user_id)).toEqual(paged.slice(0, 10));
    expect(first.results_metadata.total).toBe(PAGING_USERS);
    expect(first.results_metadata.next_cursor).toEqual(expect.any(String));

    // Between pages: one user already returned and one not yet returned are deleted, and a new one is created.
    await stytch.users.delete({ user_id: paged[3] });
    await stytch.users.delete({ user_id: paged[15] });
    const late = (await stytch.users.create({ email: 'late@paging.test' })).user_id;

    const seen = first.results.map((user) => user.user_id);
    let cursor = first.results_metadata.next_cursor;
    let pages = 1;
    while (cursor) {
      const page = await stytch.users.search({ query, limit: 10, cursor });
      expect(page.results_metadata.total).toBe(PAGING_USERS);
      seen.push(...page.results.map((user) => user.user_id));
      cursor = page.results_metadata.next_cursor;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...paged.filter((id) => id !== paged[15]), late]);
    paged = [...paged.filter((id) => id !== paged[3] && id !== paged[15]), late];

    // The client's own iterator pages the same way.
    const iterated: string[] = [];
    for await (const results of stytch.users.searchAll({ query, limit: 7 }))
      iterated.push(...results.map((u) => u.user_id));
    expect(iterated).toEqual(paged);
  });

  it('answers every invalid search with a Stytch error that says what to fix', async () => {
    const operands = (filter_name: string, filter_value: unknown) => ({
      query: { operator: 'AND', operands: [{ filter_name, filter_value }] },
    });
    await expectClientError(
      stytch.users.search({ query: { operator: 'XOR', operands: [] } }),
      400,
      'invalid_search_query',
    );
    await expectClientError(stytch.users.search(operands('nickname', 'x')), 400, 'invalid_search_query');
    await expectClientError(stytch.users.search(operands('user_id', 'not-a-list')), 400, 'invalid_search_query');
    await expectClientError(stytch.users.search(operands('user_id', [])), 400, 'invalid_search_query');
    await expectClientError(stytch.users.search(operands('email_verified', 'yes')), 400, 'invalid_search_query');
    await expectClientError(stytch.users.search(operands('status', 'deleted')), 400, 'invalid_search_query');
    await expectClientError(stytch.users.search(operands('email_address_fuzzy', '')), 400, 'invalid_search_query');
    await expectClientError(stytch.users.search(operands('user_id', ['a\u0000b'])), 400, 'invalid_search_query');
    await expectClientError(
      stytch.users.search(operands('created_at_greater_than', 'yesterday')),
      400,
      'invalid_search_query',
    );
    await expectClientError(
      stytch.users.search(operands('created_at_between', { greater_than: '2021-12-29T12:33:09Z' })),
      400,
      'invalid_search_query',
    );
    for (const filter of ['phone_number', 'oauth_provider', 'password_exists', 'totp_verified', 'full_name_fuzzy']) {
      await expectClientError(stytch.users.search(operands(filter, ['x'])), 400, 'unsupported_search_filter');
    }
    const many = Array.from({ length: 21 }, () => ({ filter_name: 'status', filter_value: 'active' }));
    await expectClientError(
      stytch.users.search({ query: { operator: 'OR', operands: many } }),
      400,
      'too_many_search_filters',
    );
    await expectClientError(stytch.users.search({ limit: 1001 }), 400, 'invalid_limit');
    await expectClientError(stytch.users.search({ limit: -1 }), 400, 'invalid_limit');
    await expectClientError(stytch.users.search({ limit: 2.5 }), 400, 'invalid_limit');
    await expectClientError(stytch.users.search({ cursor: 'not-a-cursor' }), 400, 'invalid_cursor');
    const cursor = (await stytch.users.search({ limit: 1 })).results_metadata.next_cursor!;
    await expectClientError(stytch.users.search({ ...operands('status', 'active'), cursor }), 400, 'invalid_cursor');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(cursor, 'base64url').toString()), c: 'soon' }),
    );
    await expectClientError(stytch.users.search({ cursor: forged.toString('base64url') }), 400, 'invalid_cursor');
    const withNul = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(cursor, 'base64url').toString()), u: 'a\u0000' }),
    );
    await expectClientError(stytch.users.search({ cursor: withNul.toString('base64url') }), 400, 'invalid_cursor');

    const raw = await gateway.request('POST', '/v1/users/search', { query: 'status:active' });
    expectStytchError(raw, 400, 'invalid_search_query');
    expect(raw.body.error_message).toMatch(/query must be an object/);
    expectStytchError(
      await gateway.request('POST', '/v1/users/search', { query: { operands: [] } }),
      400,
      'invalid_search_query',
    );
  });
});
