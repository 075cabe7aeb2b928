import { DataSource } from 'typeorm';
import { MAGIC_LINKS_ENTITIES } from '../magic-links.entities.js';
import { MAGIC_LINKS_MIGRATIONS } from '../migrations/index.js';
import { resolveMagicLinksOptions } from '../options/magic-links.options.js';
import { NONCE_TTL_MS, RedirectNonceService, USED_NONCE_GRACE_MS } from './redirect-nonce.service.js';
import { UsedRedirectNonce } from './used-redirect-nonce.entity.js';
import { UsedRedirectNoncesStore } from './used-redirect-nonces.store.js';

const CREDENTIALS = {
  projectId: 'project-test-11111111-1111-4111-8111-111111111111',
  secret: 'secret-test-11111111-1111-4111-8111-111111111111',
};
const options = resolveMagicLinksOptions(CREDENTIALS);

describe('RedirectNonceService', () => {
  let dataSource: DataSource;
  let nonces: RedirectNonceService;
  beforeAll(async () => {
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: MAGIC_LINKS_ENTITIES,
      migrations: MAGIC_LINKS_MIGRATIONS,
      migrationsRun: true,
    });
    await dataSource.initialize();
    nonces = new RedirectNonceService(options, new UsedRedirectNoncesStore(dataSource));
  });
  afterAll(() => dataSource.destroy());

  it('tells how long ago a nonce was issued, for the same token and browser only', () => {
    const nonce = nonces.issue('hash-a', 'agent-a', 1_000_000);
    expect(nonces.age(nonce, ['hash-a'], 'agent-a', 1_002_500)).toBe(2500);
    expect(nonces.age(nonce, ['hash-b'], 'agent-a', 1_002_500)).toBeUndefined();
    expect(nonces.age(nonce, ['hash-a'], 'agent-b', 1_002_500)).toBeUndefined();
  });

  it('refuses a tampered, malformed or future nonce, and differs on every view', () => {
    const nonce = nonces.issue('hash-a', 'agent-a', 1_000_000);
    expect(nonces.issue('hash-a', 'agent-a', 1_000_000)).not.toBe(nonce);
    const [, salt, mac] = nonce.split('.');
    expect(nonces.age(`${(999_000).toString(36)}.${salt}.${mac}`, ['hash-a'], 'agent-a', 1_002_500)).toBeUndefined();
    expect(nonces.age('', ['hash-a'], 'agent-a')).toBeUndefined();
    expect(nonces.age('not-a-nonce', ['hash-a'], 'agent-a')).toBeUndefined();
    expect(nonces.age(nonce, ['hash-a'], 'agent-a', 999_000)).toBeUndefined();
    const other = new RedirectNonceService(
      resolveMagicLinksOptions({ ...CREDENTIALS, tokenHashKey: 'k'.repeat(32) }),
      new UsedRedirectNoncesStore(dataSource),
    );
    expect(other.age(nonce, ['hash-a'], 'agent-a', 1_002_500)).toBeUndefined();
  });

  it('still accepts, during a rotation of the token-hash key, a nonce issued under the older key', () => {
    const [older, newer] = ['o'.repeat(32), 'n'.repeat(32)];
    const before = new RedirectNonceService(
      resolveMagicLinksOptions({ ...CREDENTIALS, tokenHashKey: older }),
      new UsedRedirectNoncesStore(dataSource),
    );
    const during = new RedirectNonceService(
      resolveMagicLinksOptions({ ...CREDENTIALS, tokenHashKey: [newer, older] }),
      new UsedRedirectNoncesStore(dataSource),
    );
    const nonce = before.issue('hash-under-older', 'agent-a', 1_000_000);
    // The token's hashes under [newer, older]: the nonce matches its own key's hash only.
    expect(during.age(nonce, ['hash-under-newer', 'hash-under-older'], 'agent-a', 1_002_500)).toBe(2500);
    expect(during.age(nonce, ['hash-under-older', 'hash-under-newer'], 'agent-a', 1_002_500)).toBeUndefined();
    const renewed = during.issue('hash-under-newer', 'agent-a', 1_000_000);
    expect(during.age(renewed, ['hash-under-newer', 'hash-under-older'], 'agent-a', 1_002_500)).toBe(2500);
  });

  it('is good for one confirm: the second use of a nonce is refused, other nonces of the page are not', async () => {
    const issuedAt = Date.now();
    const first = nonces.issue('hash-a', 'agent-a', issuedAt);
    const second = nonces.issue('hash-a', 'agent-a', issuedAt);
    await expect(nonces.use(first)).resolves.toBe(true);
    await expect(nonces.use(first)).resolves.toBe(false);
    await expect(nonces.use(second)).resolves.toBe(true);
    await expect(nonces.use(second)).resolves.toBe(false);
  });

  it('takes one use of a nonce once, also when confirms with it race', async () => {
    const nonce = nonces.issue('hash-b', 'agent-b');
    const uses = await Promise.all(Array.from({ length: 10 }, () => nonces.use(nonce)));
    expect(uses.filter(Boolean)).toHaveLength(1);
  });

  it('remembers a used nonce, by its hash, until a little after it goes stale', async () => {
    const issuedAt = 1_700_000_000_000;
    const nonce = nonces.issue('hash-c', 'agent-c', issuedAt);
    await nonces.use(nonce);
    const records = await dataSource.getRepository(UsedRedirectNonce).find();
    const record = records.find((row) => row.expiresAt.getTime() === issuedAt + NONCE_TTL_MS + USED_NONCE_GRACE_MS);
    expect(record?.nonceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(records.some((row) => row.nonceHash.includes(nonce))).toBe(false);
  });
});
