import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, MigrationExecutor } from 'typeorm';
import { MAGIC_LINKS_MIGRATIONS } from './index.js';

/**
 * Refuses to start on a database the module's migrations have not all run on, with what to do: without it a host
 * that forgot them starts, then fails on its first query with `no such table: …`.
 */
@Injectable()
export class PendingMigrationsCheck implements OnModuleInit {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const executed = await new MigrationExecutor(this.dataSource).getExecutedMigrations();
    // A host that builds its schema from the entities (tests with `synchronize`) has no migrations table at all.
    if (executed.length === 0 && this.dataSource.options.synchronize) return;
    const done = new Set(executed.map((migration) => migration.name));
    const pending = MAGIC_LINKS_MIGRATIONS.map((Migration) => new Migration().name).filter((name) => !done.has(name));
    if (pending.length === 0) return;
    throw new Error(
      `MagicLinksModule: ${pending.length} of its ${MAGIC_LINKS_MIGRATIONS.length} migrations have not run on this ` +
        `database (${pending.join(', ')}), so its tables are missing or out of date. Add MAGIC_LINKS_MIGRATIONS ` +
        '(exported by nestjs-magic-links) to the migrations of TypeOrmModule.forRoot({ …, migrations: ' +
        '[...MAGIC_LINKS_MIGRATIONS, …], migrationsRun: true }) to run them at start-up, or run them before ' +
        'starting with the TypeORM CLI (typeorm migration:run -d <your DataSource with MAGIC_LINKS_MIGRATIONS>).',
    );
  }
}
