import { startPostgres } from '../test/support/postgres-server.js';
import { createPostgresDatabase, freePort } from './servers.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/**
 * Runs `run` once per database kind in `kinds`, each time with as many fresh databases as `sqliteFiles` lists: those
 * SQLite files, or as many throwaway PostgreSQL databases, on `BENCH_POSTGRES_URL`'s server when it is set, else on
 * a cluster started for the bench (Debian's binaries, as the e2e suite's). The PostgreSQL databases are dropped after
 * their run and the cluster stopped at the end, on failure too. The results in the order of `kinds`.
 */
export async function forEachDatabase<T>(
  kinds: readonly string[],
  sqliteFiles: readonly string[],
  run: (kind: DatabaseKind, urls: string[]) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  let cluster: { url: string; stop(): void } | undefined;
  try {
    for (const kind of kinds) {
      if (kind === 'sqlite') {
        results.push(
          await run(
            kind,
            sqliteFiles.map((file) => `sqlite:${file}`),
          ),
        );
        continue;
      }
      if (kind !== 'postgres') throw new Error(`BENCH_DATABASES: unknown database "${kind}" (sqlite, postgres)`);
      let adminUrl = process.env.BENCH_POSTGRES_URL;
      if (!adminUrl) {
        cluster ??= await startPostgres(await freePort());
        adminUrl = cluster.url;
      }
      const databases = [];
      try {
        for (let i = 0; i < sqliteFiles.length; i++) databases.push(await createPostgresDatabase(adminUrl));
        results.push(
          await run(
            kind,
            databases.map((database) => database.url),
          ),
        );
      } finally {
        await Promise.all(databases.map((database) => database.drop()));
      }
    }
  } finally {
    cluster?.stop();
  }
  return results;
}
