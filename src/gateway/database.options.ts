import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { MAGIC_LINKS_ENTITIES } from '../magic-links.entities.js';
import { MAGIC_LINKS_MIGRATIONS } from '../migrations/index.js';

/** TypeORM options for `DATABASE_URL`: `postgres://…` or `sqlite:<file>`. Migrations are the only schema source. */
export function databaseOptions(url: string, runMigrations: boolean): DataSourceOptions {
  const common = {
    entities: MAGIC_LINKS_ENTITIES,
    migrations: MAGIC_LINKS_MIGRATIONS,
    migrationsRun: runMigrations,
    synchronize: false,
  } as const;
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return { ...common, type: 'postgres', url, extra: { max: 20, connectionTimeoutMillis: 5000 } };
  }
  if (url.startsWith('sqlite:')) {
    const database = url.slice('sqlite:'.length);
    if (database === '')
      throw new Error('DATABASE_URL "sqlite:" needs a file, for example sqlite:./data/magic-links.sqlite');
    if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database,
      timeout: 5000,
      // WAL lets readers run beside the single writer; NORMAL sync is durable across process crashes.
      prepareDatabase: (db: { pragma(statement: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
      },
    };
  }
  throw new Error(`DATABASE_URL must start with postgres:// or sqlite: (got "${url.split(':')[0]}:…").`);
}
