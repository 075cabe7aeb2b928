import type { Client } from 'stytch';
import { DATABASES, SECRET, freshDatabaseUrl, startGateway, type RunningGateway } from './support/gateway.js';
import { officialClient } from './support/sessions.js';

/**
 * The rotation procedure of docs/operations.md, on two gateway processes sharing one database, each replaced at
 * every step by one with the step's settings (a rolling update: the replacements serve beside the gateways they
 * replace, which are then drained and stopped), while a loop of official-client calls runs: add the new secret and
 * keys as readers everywhere, move the caller to the new secret, make the new ones the writers everywhere, then drop
 * the old ones.
 */
const NEW_SECRET = 'secret-test-22222222-2222-4222-8222-222222222222';
const HASH_KEYS = { old: 'old-token-hash-key-0123456789abcdef', new: 'new-token-hash-key-0123456789abcdef' };
const KEKS = { old: 'old-key-encryption-key-0123456789ab', new: 'new-key-encryption-key-0123456789ab' };

/** Gateways start beside the loop of calls, which competes with them for the CPU. */
const SLOW_START = { startTimeoutMs: 60_000 };

/** Which keys a gateway in each stage lists, the writer first. */
const STAGES: ('old' | 'new')[][] = [['old'], ['old', 'new'], ['new', 'old'], ['new']];

function settingsOf(stage: number): Record<string, string> {
  const keys = STAGES[stage];
  const secrets = keys.map((key) => (key === 'old' ? SECRET : NEW_SECRET));
  return {
    MAGIC_LINKS_SECRET: secrets.join(','),
    MAGIC_LINKS_TOKEN_HASH_KEY: keys.map((key) => HASH_KEYS[key]).join(','),
    MAGIC_LINKS_SESSION_KEY_ENCRYPTION_KEY: keys.map((key) => KEKS[key]).join(','),
  };
}

/** A gateway behind the test's "load balancer", with the stage of its settings. */
interface Member {
  gateway: RunningGateway;
  stage: number;
}

/** A link or session token and the key generation it was hashed under (the writer of the gateway that made it). */
interface Outstanding {
  token: string;
  key: 'old' | 'new';
}

describe.each(DATABASES)('Rotation of the secret, the token-hash key and the session KEK (%s)', (database) => {
  const members: Member[] = [];
  const started: RunningGateway[] = [];
  const start = async (stage: number) => {
    const gateway = await startGateway({ url: databaseUrl }, settingsOf(stage), undefined, SLOW_START);
    started.push(gateway);
    return gateway;
  };
  let databaseUrl: string;
  afterAll(async () => {
    await Promise.all(started.map((gateway) => gateway.close()));
  });

  it('under a loop of calls while the gateways are replaced step by step, no call fails', async () => {
    databaseUrl = await freshDatabaseUrl(database);
    // One after the other: the first creates the schema and the signing key.
    for (let index = 0; index < 2; index++) members.push({ gateway: await start(0), stage: 0 });
    let callerSecret = SECRET;
    const clientOf = (member: Member): Client => officialClient(member.gateway, undefined, callerSecret);
    const { user_id: userId } = await clientOf(members[0]).users.create({ email: `rotation-${database}@example.com` });

    // Made before the rotation, used only after the new keys write everywhere.
    const early = await clientOf(members[0]).magicLinks.create({ user_id: userId });
    const earlySession = await clientOf(members[0]).magicLinks.authenticate({
      token: (await clientOf(members[1]).magicLinks.create({ user_id: userId })).token,
      session_duration_minutes: 60,
    });

    const links: Outstanding[] = [];
    const sessions: Outstanding[] = [];
    const failures: string[] = [];
    let calls = 0;
    let iterations = 0;
    let stopped = false;
    let next = 0;
    /** Tokens a gateway at `stage` can find: hashed under a key it lists. */
    const readable = (stage: number) => (item: Outstanding) => STAGES[stage].includes(item.key);
    const call = async <T>(what: string, request: () => Promise<T>): Promise<T | undefined> => {
      calls++;
      try {
        return await request();
      } catch (error) {
        failures.push(`${what}: ${String((error as { error_type?: string }).error_type ?? error)}`);
        return undefined;
      }
    };
    const load = (async () => {
      while (!stopped) {
        // Round robin over the gateways in service; a restarting one is out of it.
        const member = members[next++ % members.length];
        const client = clientOf(member);
        const writes = STAGES[member.stage][0];
        const created = await call('create', () => client.magicLinks.create({ user_id: userId }));
        if (created) links.push({ token: created.token, key: writes });
        const link = links.find(readable(member.stage));
        if (link) {
          links.splice(links.indexOf(link), 1);
          const authenticated = await call('authenticate', () =>
            client.magicLinks.authenticate({ token: link.token, session_duration_minutes: 60 }),
          );
          if (authenticated) sessions.push({ token: authenticated.session_token, key: writes });
        }
        const usable = sessions.filter(readable(member.stage));
        const session = usable[Math.floor(Math.random() * usable.length)];
        if (session) await call('session', () => client.sessions.authenticate({ session_token: session.token }));
        iterations++;
        // Paced, so that a restarting gateway gets its share of the CPU.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const moreIterations = async (count: number) => {
      const target = iterations + count;
      for (const deadline = Date.now() + 30_000; iterations < target;) {
        if (Date.now() > deadline) throw new Error(`the calls stalled after ${calls} calls: ${failures.join('; ')}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    /**
     * Rolls every gateway over to the stage's settings: starts one replacement per gateway (in parallel; they serve as
     * soon as they are up, beside the gateways of the previous stage), then drains and stops the previous ones.
     */
    const roll = async (stage: number) => {
      const previous = [...members];
      const replacements = await Promise.all(previous.map(() => start(stage)));
      members.push(...replacements.map((gateway) => ({ gateway, stage })));
      await moreIterations(3);
      for (const leaving of previous) {
        members.splice(members.indexOf(leaving), 1);
        // The loop's call to it, if any, ends before it stops: as a load balancer drains a member.
        await moreIterations(1);
        await leaving.gateway.close();
      }
      await moreIterations(3);
    };

    try {
      await moreIterations(3);
      for (const stage of [1, 2, 3]) {
        // The caller moves to the new secret once every gateway accepts it.
        if (stage === 2) callerSecret = NEW_SECRET;
        await roll(stage);
        if (stage === 2) {
          // Every gateway writes with the new keys and still reads the old: what was outstanding still works.
          const client = clientOf(members[0]);
          await call('early link', () => client.magicLinks.authenticate({ token: early.token }));
          await call('early session', () =>
            client.sessions.authenticate({ session_token: earlySession.session_token }),
          );
          await call('early JWT', () => client.sessions.authenticate({ session_jwt: earlySession.session_jwt }));
          // Dropping the old keys waits until what they hashed has expired; here, it is left aside.
          links.splice(0, links.length, ...links.filter((item) => item.key === 'new'));
        }
      }
    } finally {
      stopped = true;
      await load;
    }

    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(50);
    // The old secret is refused once dropped, and the old session KEK is no longer needed to sign.
    const oldCaller = officialClient(members[0].gateway, undefined, SECRET);
    await expect(oldCaller.users.get({ user_id: userId })).rejects.toMatchObject({
      error_type: 'unauthorized_credentials',
    });
    const fresh = await clientOf(members[1]).magicLinks.authenticate({
      token: (await clientOf(members[0]).magicLinks.create({ user_id: userId })).token,
      session_duration_minutes: 60,
    });
    await expect(clientOf(members[0]).sessions.authenticate({ session_jwt: fresh.session_jwt })).resolves.toMatchObject(
      { session: { user_id: userId } },
    );
  }, 300_000);
});
