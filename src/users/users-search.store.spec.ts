import { DataSource } from 'typeorm';
import { MAGIC_LINKS_ENTITIES } from '../magic-links.entities.js';
import { MAGIC_LINKS_MIGRATIONS } from '../migrations/index.js';
import type { SearchQuery } from './users-search.filters.js';
import { SEARCH_EXACT_TOTAL, UsersSearchStore } from './users-search.store.js';

/**
 * Past SEARCH_EXACT_TOTAL matches, an email filter is read by walking users in page order (the e2e spec's few users
 * never get there), and the total becomes -1. On SQLite in memory, with the real migrations.
 */
describe('UsersSearchStore past the exact-total bound', () => {
  const MANY = SEARCH_EXACT_TOTAL + 100;
  let dataSource: DataSource;
  let store: UsersSearchStore;

  beforeAll(async () => {
    dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: MAGIC_LINKS_ENTITIES,
      migrations: MAGIC_LINKS_MIGRATIONS,
    }).initialize();
    await dataSource.runMigrations();
    // User i: created i seconds after 2024-01-01, at many.test, except every 1000th, at few.test.
    const series = `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${MANY})`;
    const id = `printf('%012x', i)`;
    const at = `strftime('%Y-%m-%d %H:%M:%f', 1704067200 + i, 'unixepoch')`;
    await dataSource.query(
      `${series} INSERT INTO users (id, status, created_at) ` +
        `SELECT 'user-test-00000000-0000-4000-8000-' || ${id}, 'active', ${at} FROM s`,
    );
    await dataSource.query(
      `${series} INSERT INTO user_emails (id, user_id, email, email_normalized, verified, created_at) ` +
        `SELECT 'email-test-00000000-0000-4000-8000-' || ${id}, 'user-test-00000000-0000-4000-8000-' || ${id}, ` +
        `'u' || i || CASE WHEN i % 1000 = 0 THEN '@few.test' ELSE '@many.test' END, ` +
        `'u' || i || CASE WHEN i % 1000 = 0 THEN '@few.test' ELSE '@many.test' END, FALSE, ${at} FROM s`,
    );
    store = new UsersSearchStore(dataSource);
  });
  afterAll(() => dataSource.destroy());

  const domain = (value: string): SearchQuery => ({
    operator: 'AND',
    filters: [{ kind: 'email_domain', values: [value] }],
  });
  const idOf = (i: number) => `user-test-00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

  it('reads a broad email filter user by user, in page order, and reports its total as -1', async () => {
    const query = domain('many.test');
    const plan = await store.plan(query);
    expect([...plan.values()]).toEqual(['exists']);
    const page = await store.page(query, plan, 3, {
      createdAt: new Date(Date.UTC(2024, 0, 1) + 998_000),
      userId: idOf(998),
    });
    expect(page.map((user) => user.id)).toEqual([idOf(999), idOf(1001), idOf(1002)]);
    expect(page[0].emails.map((email) => email.email)).toEqual(['u999@many.test']);
    expect(await store.count(query, plan)).toBe(-1);
  });

  it('reads a narrow one through its matches, counts it exactly, and counts every user when there is no filter', async () => {
    const query = domain('few.test');
    const plan = await store.plan(query);
    expect([...plan.values()]).toEqual(['in']);
    expect((await store.page(query, plan, 2)).map((user) => user.id)).toEqual([idOf(1000), idOf(2000)]);
    expect(await store.count(query, plan)).toBe(Math.floor(MANY / 1000));
    expect(await store.count({ operator: 'AND', filters: [] }, new Map())).toBe(MANY);
  });
});
