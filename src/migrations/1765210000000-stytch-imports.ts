import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { portableTypes } from './1763800000000-initial-schema.js';

/**
 * Where `nestjs-magic-links import` keeps its place: per source project, the cursor of the next page and what the
 * pages before it gave. Written in the same transaction as each page's users, so that an import killed at any
 * moment resumes exactly after the last page it wrote.
 */
export class StytchImports1765210000000 implements MigrationInterface {
  name = 'StytchImports1765210000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'stytch_imports',
        columns: [
          { name: 'source', type: 'varchar', length: '512', isPrimary: true },
          { name: 'cursor', type: 'text', isNullable: true },
          { name: 'total', type: 'integer' },
          { name: 'read', type: 'integer' },
          { name: 'imported', type: 'integer' },
          { name: 'unchanged', type: 'integer' },
          { name: 'conflicts', ...t.json },
          { name: 'started_at', ...t.timestamp },
          { name: 'finished_at', ...t.timestamp, isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('stytch_imports');
  }
}
