/**
 * The importer at size: a source gateway seeded with BENCH_IMPORT_USERS users (default 10,000) through its API, then
 * `nestjs-magic-links import` into a second gateway's fresh database, timed, then both sides compared through
 * users.search. `npm run bench:import` (BENCH_DATABASES=sqlite,postgres, BENCH_POSTGRES_URL for an existing server).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImporter } from '../test/support/importer.js';
import { forEachDatabase } from './databases.js';
import { startServer, type ChildServer } from './servers.js';

const PROJECT_ID = 'project-test-00000000-0000-4000-8000-00000000be0c';
const SECRET = 'secret-test-benchmark-only-0000000000';
const AUTH = `Basic ${Buffer.from(`${PROJECT_ID}:${SECRET}`).toString('base64')}`;
const USERS = Number(process.env.BENCH_IMPORT_USERS ?? 10_000);

async function call(gateway: ChildServer, path: string, body: unknown): Promise<any> {
  const response = await fetch(gateway.url + path, {
    method: 'POST',
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Every user, by id, as users.search pages them. */
async function everyUser(gateway: ChildServer): Promise<Map<string, unknown>> {
  const users = new Map<string, unknown>();
  let cursor: string | undefined;
  do {
    const page = await call(gateway, '/v1/users/search', { limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const user of page.results) users.set(user.user_id, user);
    cursor = page.results_metadata.next_cursor ?? undefined;
  } while (cursor);
  return users;
}

function importFrom(source: ChildServer, databaseUrl: string) {
  return runImporter(
    { url: source.url, projectId: PROJECT_ID, secret: SECRET },
    databaseUrl,
    ['--requests-per-minute', '100000', '--run-migrations'],
    { showProgress: true },
  );
}

async function benchOne(kind: string, sourceUrl: string, targetUrl: string, workDir: string): Promise<string> {
  const env = {
    MAGIC_LINKS_PROJECT_ID: PROJECT_ID,
    MAGIC_LINKS_SECRET: SECRET,
    RATE_LIMIT_PER_IP: '1000000000/60',
    RATE_LIMIT_PER_PROJECT: '1000000000/60',
    LOG_LEVEL: 'warn',
  };
  const source = await startServer({
    name: `source-${kind}`,
    script: 'dist/src/gateway/main.js',
    env: { ...env, DATABASE_URL: sourceUrl },
    readyPath: '/health',
    logDir: workDir,
  });
  const target = await startServer({
    name: `target-${kind}`,
    script: 'dist/src/gateway/main.js',
    env: { ...env, DATABASE_URL: targetUrl },
    readyPath: '/health',
    logDir: workDir,
  });
  try {
    const seeding = performance.now();
    for (let start = 0; start < USERS; start += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, USERS - start) }, (_, offset) => start + offset).map((i) =>
          call(source, '/v1/users', {
            email: `user${i}@import.example`,
            name: { first_name: `First${i}`, last_name: 'Last' },
            trusted_metadata: { plan: i % 3 ? 'pro' : 'free', seats: i },
            ...(i % 4 === 0 ? { external_id: `ext-${i}` } : {}),
            create_user_as_pending: i % 10 === 0,
          }),
        ),
      );
    }
    console.error(
      `${kind}: seeded ${USERS} users through the API in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
    );

    const first = performance.now();
    const run = await importFrom(source, targetUrl);
    const importSeconds = (performance.now() - first) / 1000;
    const again = performance.now();
    const rerun = await importFrom(source, targetUrl);
    const rerunSeconds = (performance.now() - again) / 1000;
    if (run.code !== 0 || rerun.code !== 0)
      throw new Error(`import exited ${run.code}/${rerun.code}:\n${run.stdout}${rerun.stdout}`);

    const [from, to] = await Promise.all([everyUser(source), everyUser(target)]);
    const same = [...from].every(([id, user]) => JSON.stringify(to.get(id)) === JSON.stringify(user));
    return (
      `| ${kind} | ${USERS} | ${importSeconds.toFixed(1)} | ${Math.round(USERS / importSeconds)} | ` +
      `${rerunSeconds.toFixed(1)} | ${from.size === to.size && same ? 'identical' : 'DIFFERENT'} |`
    );
  } finally {
    await Promise.all([source.stop(), target.stop()]);
  }
}

async function main(): Promise<void> {
  const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
  const workDir = mkdtempSync(join(tmpdir(), 'import-bench-'));
  let rows: string[];
  try {
    rows = await forEachDatabase(
      databases,
      [join(workDir, 'source.sqlite'), join(workDir, 'target.sqlite')],
      (kind, [source, target]) => benchOne(kind, source, target, workDir),
    );
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  console.log('| database | users | import s | users/s | second run s | both sides through users.search |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

await main();
