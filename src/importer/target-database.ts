import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MAGIC_LINKS_ENTITIES } from '../magic-links.entities.js';
import { MAGIC_LINKS_MIGRATIONS } from '../migrations/index.js';
import { StytchImport } from './stytch-import.entity.js';

/** A failure the person running the import can fix; its message says how. */
export class ImportError extends Error {}

/** The gateway's database as `DATABASE_URL` names it: `postgres://…` or `sqlite:<file>`. */
export function targetDataSource(url: string): DataSource {
  const common = {
    entities: [...MAGIC_LINKS_ENTITIES, StytchImport],
    migrations: MAGIC_LINKS_MIGRATIONS,
    synchronize: false,
  };
  let options: DataSourceOptions;
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    options = { ...common, type: 'postgres', url };
  } else if (url.startsWith('sqlite:') && url.length > 'sqlite:'.length) {
    const database = url.slice('sqlite:'.length);
    mkdirSync(dirname(database), { recursive: true });
    options = {
      ...common,
      type: 'better-sqlite3',
      database,
      // A running gateway may share the file: wait for its writes rather than fail.
      timeout: 10_000,
      prepareDatabase: (db: { pragma(statement: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('foreign_keys = ON');
      },
    };
  } else {
    throw new ImportError(
      `--database-url must be postgres://… or sqlite:<file>, as the gateway's DATABASE_URL (got "${url.split(':')[0]}:…").`,
    );
  }
  return new DataSource(options);
}

/** Runs the module's pending migrations when allowed to; otherwise refuses to write into an outdated schema. */
export async function prepareTarget(dataSource: DataSource, runMigrations: boolean): Promise<number> {
  if (!(await dataSource.showMigrations())) return 0;
  if (!runMigrations) {
    throw new ImportError(
      'The target database has pending migrations of nestjs-magic-links (its tables are missing or out of date). ' +
        'Start the gateway once against it (it runs them), or pass --run-migrations to let the import run them.',
    );
  }
  return (await dataSource.runMigrations({ transaction: 'each' })).length;
}
