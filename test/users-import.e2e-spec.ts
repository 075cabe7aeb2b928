import type { Client, User } from 'stytch';
import { emailLoginLink } from './support/email-link.js';
import {
  DATABASES,
  freshDatabaseUrl,
  PROJECT_ID,
  queryDatabase,
  SECRET,
  startGateway,
  type RunningGateway,
} from './support/gateway.js';
import { runImporter } from './support/importer.js';
import { officialClient } from './support/sessions.js';

const USERS = 240;

/** The importer from `source` as the tests run it: small pages, slow enough to be stopped half way. */
function importFrom(source: RunningGateway, databaseUrl: string, extra: string[] = [], killAfterRead?: number) {
  return runImporter(
    { url: source.url, projectId: PROJECT_ID, secret: SECRET },
    databaseUrl,
    // Ten pages a second: slow enough for the test to stop it half way, as Stytch's rate limit slows a real one.
    ['--page-size', '20', '--requests-per-minute', '600', ...extra],
    { killAfterRead },
  );
}

async function everyUser(stytch: Client): Promise<Map<string, User>> {
  const users = new Map<string, User>();
  for await (const page of stytch.users.searchAll({ limit: 1000 })) {
    for (const user of page) users.set(user.user_id, user);
  }
  return users;
}

describe.each(DATABASES)('nestjs-magic-links import on %s', (database) => {
  let source: RunningGateway;
  let target: RunningGateway;
  let fromSource: Client;
  let toTarget: Client;
  const sourceIds: string[] = [];

  beforeAll(async () => {
    source = await startGateway(database);
    target = await startGateway(database);
    fromSource = officialClient(source);
    toTarget = officialClient(target);
    for (let start = 0; start < USERS; start += 20) {
      const batch = Array.from({ length: 20 }, (_, offset) => start + offset).map((i) =>
        fromSource.users.create({
          email: i % 7 === 0 ? `User${i}@Import.test` : `user${i}@import.test`,
          name: { first_name: `First${i}`, ...(i % 2 ? { last_name: 'Last' } : {}) },
          ...(i % 3 === 0 ? { trusted_metadata: { plan: 'pro', seats: i, nested: { a: [1, 2] } } } : {}),
          ...(i % 5 === 0 ? { untrusted_metadata: { theme: 'dark' } } : {}),
          ...(i % 4 === 0 ? { external_id: `ext-${i}` } : {}),
          create_user_as_pending: i % 10 === 0,
        }),
      );
      sourceIds.push(...(await Promise.all(batch)).map((created) => created.user_id));
    }
    // Two verified addresses, verified the way they are in production: by a mailed link.
    for (const address of ['user1@import.test', 'user2@import.test']) {
      await fromSource.magicLinks.authenticate({ token: (await emailLoginLink(source, { email: address })).token });
    }
    // Already in the target: another user with source user 5's mailbox, and one holding source user 8's external_id.
    await toTarget.users.create({ email: 'USER5@import.test' });
    await toTarget.users.create({ email: 'someone@else.test', external_id: 'ext-8' });
    // Two gateways and a few hundred users through the API.
  }, 120_000);
  afterAll(() => Promise.all([source?.close(), target?.close()]));

  it('prints its help, and refuses a database whose migrations have not run unless told to run them', async () => {
    const help = await importFrom(source, 'sqlite:/dev/null', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: nestjs-magic-links import/);
    expect(help.stdout).toMatch(/--source-url/);

    const empty = await freshDatabaseUrl(database);
    const refused = await importFrom(source, empty);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/pending migrations.*--run-migrations/s);
    expect(await queryDatabase(empty, "SELECT name FROM migrations WHERE name LIKE 'Users%'")).toEqual([]);
  }, 60_000);

  it('imports, killed half way, resumes where it stopped, then changes nothing when run again', async () => {
    const killed = await importFrom(source, target.databaseUrl, [], 100);
    expect(killed.signal).toBe('SIGKILL');
    const [partial] = await queryDatabase<{ read: number; finished_at: unknown }>(
      target.databaseUrl,
      'SELECT read, finished_at FROM stytch_imports',
    );
    expect(Number(partial.read)).toBeGreaterThanOrEqual(100);
    expect(Number(partial.read)).toBeLessThan(USERS);
    expect(partial.finished_at).toBeNull();

    const resumed = await importFrom(source, target.databaseUrl);
    expect(resumed.stderr).toMatch(new RegExp(`Resuming the import .* ${partial.read} users read so far`));
    expect(resumed.code).toBe(2);
    expect(resumed.stdout).toContain(`${USERS} users read, ${USERS - 2} imported, 0 unchanged, 2 conflicts.`);
    expect(resumed.stdout).toContain(`conflict ${sourceIds[5]}: email user5@import.test already belongs to user`);
    expect(resumed.stdout).toContain(`conflict ${sourceIds[8]}: external_id ext-8 already belongs to user`);

    const before = await everyUser(toTarget);
    const again = await importFrom(source, target.databaseUrl);
    expect(again.code).toBe(2);
    expect(again.stderr).not.toMatch(/Resuming/);
    expect(again.stdout).toContain(`${USERS} users read, 0 imported, ${USERS - 2} unchanged, 2 conflicts.`);
    expect(await everyUser(toTarget)).toEqual(before);

    // Both sides through users.search: every source user but the two conflicts is in the target, field for field.
    const sourceUsers = await everyUser(fromSource);
    expect(sourceUsers.size).toBe(USERS);
    expect(before.size).toBe(USERS - 2 + 2);
    for (const [userId, user] of sourceUsers) {
      if (userId === sourceIds[5] || userId === sourceIds[8]) expect(before.has(userId)).toBe(false);
      else expect(before.get(userId)).toEqual(user);
    }
    expect(before.get(sourceIds[1])!.emails[0].verified).toBe(true);
    expect(before.get(sourceIds[0])).toMatchObject({ status: 'pending', external_id: 'ext-0' });
    // Imported users sign in as before: the same user_id comes back from a link sent by the target.
    const link = await emailLoginLink(target, { email: 'user2@import.test' });
    expect((await toTarget.magicLinks.authenticate({ token: link.token })).user_id).toBe(sourceIds[2]);
    // Three importer processes, each a Node start-up.
  }, 120_000);

  it('reports a user changed on this side since the import, and leaves it as it is', async () => {
    const userId = sourceIds[3];
    await queryDatabase(target.databaseUrl, `UPDATE users SET name = '{"first_name":"Changed"}' WHERE id = $1`, [
      userId,
    ]);
    const run = await importFrom(source, target.databaseUrl, ['--restart']);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(`conflict ${userId}: user_id already exists here with a different name`);
    expect((await toTarget.users.get({ user_id: userId })).name).toEqual({
      first_name: 'Changed',
      middle_name: '',
      last_name: '',
    });
  }, 60_000);
});
