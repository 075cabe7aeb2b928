/**
 * Seeds BENCH_USERS users (default 1,000,000) straight into a fresh database of each kind, then times typical
 * `POST /v1/users/search` calls against the real gateway: the median and slowest of BENCH_REPEAT calls each.
 * `npm run bench:users-search` (BENCH_DATABASES=sqlite,postgres, BENCH_POSTGRES_URL to use an existing server).
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { forEachDatabase } from './databases.js';
import { startServer, type ChildServer } from './servers.js';

const PROJECT_ID = 'project-test-00000000-0000-4000-8000-00000000be0c';
const SECRET = 'secret-test-benchmark-only-0000000000';
const AUTH = `Basic ${Buffer.from(`${PROJECT_ID}:${SECRET}`).toString('base64')}`;
const USERS = Number(process.env.BENCH_USERS ?? 1_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 15);
const BASE_EPOCH = Date.UTC(2024, 0, 1) / 1000;

/**
 * User i: created at BASE + i/10 s (ten share each second), pending when i % 50 = 0, an external_id when i is
 * even, verified unless i % 3 = 0; its email's domain is gmail.com for 60 %, example.com for 20 %, one of 100
 * corporate domains (about 1,000 users each) for 10 %, and a domain of its own for the last 10 %.
 */
const DOMAIN_SQL = (i: string, concat: (...parts: string[]) => string) =>
  `CASE WHEN ${i} % 10 < 6 THEN 'gmail.com' WHEN ${i} % 10 < 8 THEN 'example.com' ` +
  `WHEN ${i} % 10 = 8 THEN ${concat(`'corp-'`, `(${i} % 1000)`, `'.example'`)} ` +
  `ELSE ${concat(`'d'`, i, `'.test'`)} END`;

function sqliteSeed(file: string): void {
  const db = new Database(file);
  const concat = (...parts: string[]) => parts.join(' || ');
  const series = `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${USERS})`;
  const hex = `printf('%012x', i)`;
  db.exec('BEGIN');
  db.exec(
    `${series} INSERT INTO users (id, external_id, status, name, trusted_metadata, untrusted_metadata, roles, created_at) ` +
      `SELECT 'user-test-00000000-0000-4000-8000-' || ${hex}, CASE WHEN i % 2 = 0 THEN 'ext-' || i END, ` +
      `CASE WHEN i % 50 = 0 THEN 'pending' ELSE 'active' END, '{"first_name":"User"}', NULL, NULL, NULL, ` +
      `strftime('%Y-%m-%d %H:%M:%f', ${BASE_EPOCH} + i / 10, 'unixepoch') FROM s`,
  );
  db.exec(
    `${series} INSERT INTO user_emails (id, user_id, email, email_normalized, verified, created_at) ` +
      `SELECT 'email-test-00000000-0000-4000-8000-' || ${hex}, 'user-test-00000000-0000-4000-8000-' || ${hex}, ` +
      `'user' || i || '@' || ${DOMAIN_SQL('i', concat)}, 'user' || i || '@' || ${DOMAIN_SQL('i', concat)}, ` +
      `i % 3 != 0, strftime('%Y-%m-%d %H:%M:%f', ${BASE_EPOCH} + i / 10, 'unixepoch') FROM s`,
  );
  db.exec('COMMIT');
  db.exec('ANALYZE');
  db.close();
}

function sqliteUsers(file: string): number {
  const db = new Database(file);
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function postgresSeed(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const concat = (...parts: string[]) => `(${parts.join(' || ')})`;
  const hex = `lpad(to_hex(i), 12, '0')`;
  try {
    await client.query(
      `INSERT INTO users (id, external_id, status, name, trusted_metadata, untrusted_metadata, roles, created_at) ` +
        `SELECT 'user-test-00000000-0000-4000-8000-' || ${hex}, CASE WHEN i % 2 = 0 THEN 'ext-' || i END, ` +
        `CASE WHEN i % 50 = 0 THEN 'pending' ELSE 'active' END, '{"first_name":"User"}', NULL, NULL, NULL, ` +
        `to_timestamp(${BASE_EPOCH} + i / 10) FROM generate_series(1, ${USERS}) AS i`,
    );
    await client.query(
      `INSERT INTO user_emails (id, user_id, email, email_normalized, verified, created_at) ` +
        `SELECT 'email-test-00000000-0000-4000-8000-' || ${hex}, 'user-test-00000000-0000-4000-8000-' || ${hex}, ` +
        `'user' || i || '@' || ${DOMAIN_SQL('i', concat)}, 'user' || i || '@' || ${DOMAIN_SQL('i', concat)}, ` +
        `i % 3 != 0, to_timestamp(${BASE_EPOCH} + i / 10) FROM generate_series(1, ${USERS}) AS i`,
    );
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}

const hexId = (i: number) => i.toString(16).padStart(12, '0');
const at = (i: number) => new Date((BASE_EPOCH + Math.floor(i / 10)) * 1000).toISOString().replace('.000Z', 'Z');
const operand = (filter_name: string, filter_value: unknown) => ({
  query: { operator: 'AND', operands: [{ filter_name, filter_value }] },
});
const middle = Math.floor(USERS / 2) + 7;

/** The searches timed, each a request body; `cursor` is filled in from the first page of "all users". */
const SEARCHES: [string, Record<string, unknown>][] = [
  ['all users, first page (counts every user)', {}],
  ['all users, a later page (cursor)', { cursor: '' }],
  ['all users, limit 1000', { limit: 1000 }],
  ['user_id (1)', operand('user_id', [`user-test-00000000-0000-4000-8000-${hexId(middle)}`])],
  ['email_id (1)', operand('email_id', [`email-test-00000000-0000-4000-8000-${hexId(middle)}`])],
  ['email_address (1)', operand('email_address', [`USER${middle}@Example.com`])],
  ['external_id (1)', operand('external_id', [`ext-${middle + 1}`])],
  ['email_domain, 1 user', operand('email_domain', `d${USERS - 1}.test`)],
  ['email_domain, ~1,000 users', operand('email_domain', 'corp-508.example')],
  ['email_domain gmail.com, 60 % of users', operand('email_domain', 'gmail.com')],
  ['email_address_fuzzy, address prefix', operand('email_address_fuzzy', `user${Math.floor(middle / 10)}`)],
  ['email_address_fuzzy, domain prefix', operand('email_address_fuzzy', 'corp-50')],
  ['status pending, 2 %', operand('status', 'pending')],
  ['email_verified true, 67 %', operand('email_verified', true)],
  [
    'created_at_between, one hour',
    operand('created_at_between', { greater_than: at(middle), less_than: at(middle + 36_000) }),
  ],
  [
    'AND: email_domain gmail.com + status pending',
    {
      query: {
        operator: 'AND',
        operands: [
          { filter_name: 'email_domain', filter_value: 'gmail.com' },
          { filter_name: 'status', filter_value: 'pending' },
        ],
      },
    },
  ],
  [
    'OR: external_id or email_address',
    {
      query: {
        operator: 'OR',
        operands: [
          { filter_name: 'external_id', filter_value: [`ext-${middle + 1}`] },
          { filter_name: 'email_address', filter_value: [`user${middle + 3}@gmail.com`] },
        ],
      },
    },
  ],
];

async function searchOnce(gateway: ChildServer, body: Record<string, unknown>) {
  const started = performance.now();
  const response = await fetch(`${gateway.url}/v1/users/search`, {
    method: 'POST',
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as {
    results?: unknown[];
    results_metadata?: { total: number; next_cursor: string };
  };
  const ms = performance.now() - started;
  if (response.status !== 200)
    throw new Error(`search ${JSON.stringify(body)} answered ${response.status}: ${JSON.stringify(json)}`);
  return {
    ms,
    results: json.results!.length,
    total: json.results_metadata!.total,
    next: json.results_metadata!.next_cursor,
  };
}

async function timeSearches(kind: string, databaseUrl: string, workDir: string): Promise<string[]> {
  const env = {
    DATABASE_URL: databaseUrl,
    MAGIC_LINKS_PROJECT_ID: PROJECT_ID,
    MAGIC_LINKS_SECRET: SECRET,
    RATE_LIMIT_PER_IP: '1000000000/60',
    RATE_LIMIT_PER_PROJECT: '1000000000/60',
    LOG_LEVEL: 'warn',
  };
  // The gateway's own migrations create the schema (and the search indexes) before the rows arrive.
  const migrate = await startServer({
    name: `migrate-${kind}`,
    script: 'dist/src/gateway/main.js',
    env,
    readyPath: '/health',
    logDir: workDir,
  });
  await migrate.stop();
  const seeding = performance.now();
  if (kind === 'sqlite') {
    const file = databaseUrl.slice('sqlite:'.length);
    // BENCH_SQLITE_FILE keeps the seeded file between runs.
    if (!existsSync(file) || sqliteUsers(file) === 0) sqliteSeed(file);
  } else await postgresSeed(databaseUrl);
  console.error(`${kind}: seeded ${USERS} users in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

  const gateway = await startServer({
    name: `gateway-${kind}`,
    script: 'dist/src/gateway/main.js',
    env,
    readyPath: '/health',
    logDir: workDir,
  });
  const rows: string[] = [];
  try {
    // The same HTTP, auth and envelope without a search: what every row below pays on top of its SQL.
    const reference: number[] = [];
    for (let run = 0; run <= REPEAT; run++) {
      const started = performance.now();
      await (
        await fetch(`${gateway.url}/v1/users/user-test-00000000-0000-4000-8000-${hexId(middle)}`, {
          headers: { authorization: AUTH },
        })
      ).json();
      if (run > 0) reference.push(performance.now() - started);
    }
    reference.sort((a, b) => a - b);
    rows.push(
      `| ${kind} | (reference: GET /v1/users/{id}) | | 1 | ${reference[Math.floor(reference.length / 2)].toFixed(1)} | ${reference[reference.length - 1].toFixed(1)} |`,
    );
    const first = await searchOnce(gateway, {});
    for (const [name, body] of SEARCHES) {
      const request = 'cursor' in body ? { ...body, cursor: first.next } : body;
      const times: number[] = [];
      let last = await searchOnce(gateway, request);
      for (let run = 0; run < REPEAT; run++) {
        last = await searchOnce(gateway, request);
        times.push(last.ms);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      rows.push(
        `| ${kind} | ${name} | ${last.total} | ${last.results} | ${median.toFixed(1)} | ${times[times.length - 1].toFixed(1)} |`,
      );
      console.error(rows[rows.length - 1]);
    }
  } finally {
    await gateway.stop();
  }
  return rows;
}

async function main(): Promise<void> {
  const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
  const workDir = mkdtempSync(join(tmpdir(), 'users-search-bench-'));
  let rows: string[];
  try {
    const sqliteFile = process.env.BENCH_SQLITE_FILE ?? join(workDir, 'search.sqlite');
    rows = (await forEachDatabase(databases, [sqliteFile], (kind, [url]) => timeSearches(kind, url, workDir))).flat();
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  console.log(`${USERS} users, ${REPEAT} calls each, over HTTP on 127.0.0.1 (ms)\n`);
  console.log('| database | search (limit 100 unless said) | total | results | median ms | slowest ms |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

await main();
