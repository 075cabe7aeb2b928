import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';

/** Column types that mean the same on PostgreSQL and SQLite. */
export function portableTypes(queryRunner: QueryRunner) {
  const postgres = queryRunner.connection.driver.options.type === 'postgres';
  return {
    id: { type: 'varchar', length: '64' },
    timestamp: { type: postgres ? 'timestamptz' : 'datetime' },
    json: { type: 'text' },
    boolean: { type: 'boolean' },
  } satisfies Record<string, Omit<TableColumnOptions, 'name'>>;
}

export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', ...t.id, isPrimary: true },
          { name: 'external_id', type: 'varchar', length: '128', isNullable: true, isUnique: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'name', ...t.json, isNullable: true },
          { name: 'trusted_metadata', ...t.json, isNullable: true },
          { name: 'untrusted_metadata', ...t.json, isNullable: true },
          { name: 'roles', ...t.json, isNullable: true },
          { name: 'created_at', ...t.timestamp },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'user_emails',
        columns: [
          { name: 'id', ...t.id, isPrimary: true },
          { name: 'user_id', ...t.id },
          { name: 'email', type: 'varchar', length: '254' },
          { name: 'email_normalized', type: 'varchar', length: '254', isUnique: true },
          { name: 'verified', ...t.boolean },
          { name: 'created_at', ...t.timestamp },
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ name: 'IDX_user_emails_user_id', columnNames: ['user_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'magic_links',
        columns: [
          { name: 'id', ...t.id, isPrimary: true },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'user_id', ...t.id },
          { name: 'email_id', ...t.id, isNullable: true },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'redirect_url', type: 'varchar', length: '2048', isNullable: true },
          { name: 'locale', type: 'varchar', length: '8', isNullable: true },
          { name: 'code_challenge', type: 'varchar', length: '128', isNullable: true },
          { name: 'ip_address', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '1024', isNullable: true },
          { name: 'created_at', ...t.timestamp },
          { name: 'expires_at', ...t.timestamp },
          { name: 'consumed_at', ...t.timestamp, isNullable: true },
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ name: 'IDX_magic_links_user_id', columnNames: ['user_id'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('magic_links');
    await queryRunner.dropTable('user_emails');
    await queryRunner.dropTable('users');
  }
}
