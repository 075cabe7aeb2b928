import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { portableTypes } from './1763800000000-initial-schema.js';

export class Sessions1764300000000 implements MigrationInterface {
  name = 'Sessions1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          { name: 'id', ...t.id, isPrimary: true },
          { name: 'user_id', ...t.id },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'version', type: 'integer' },
          { name: 'started_at', ...t.timestamp },
          { name: 'last_accessed_at', ...t.timestamp },
          { name: 'expires_at', ...t.timestamp },
          { name: 'ip_address', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '1024', isNullable: true },
          { name: 'authentication_factors', ...t.json },
          { name: 'custom_claims', ...t.json, isNullable: true },
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ name: 'IDX_sessions_user_id', columnNames: ['user_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'session_signing_keys',
        columns: [
          { name: 'kid', ...t.id, isPrimary: true },
          { name: 'public_jwk', ...t.json },
          { name: 'private_jwe', type: 'text' },
          // TRUE for the signing key, NULL once retired: the unique index allows one TRUE and any number of NULLs.
          { name: 'active', ...t.boolean, isNullable: true, isUnique: true },
          { name: 'created_at', ...t.timestamp },
          { name: 'retired_at', ...t.timestamp, isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('session_signing_keys');
    await queryRunner.dropTable('sessions');
  }
}
