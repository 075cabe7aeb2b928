import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { portableTypes } from './1763800000000-initial-schema.js';

export class EmailDeliveries1764400000000 implements MigrationInterface {
  name = 'EmailDeliveries1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'email_deliveries',
        columns: [
          { name: 'id', ...t.id, isPrimary: true },
          { name: 'magic_link_id', ...t.id, isUnique: true },
          { name: 'user_id', ...t.id },
          { name: 'to_address', type: 'varchar', length: '254' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'locale', type: 'varchar', length: '8' },
          { name: 'template_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'sealed_token', type: 'varchar', length: '255', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer' },
          { name: 'last_error', type: 'varchar', length: '1024', isNullable: true },
          { name: 'next_attempt_at', ...t.timestamp },
          { name: 'lease_until', ...t.timestamp, isNullable: true },
          { name: 'created_at', ...t.timestamp },
          { name: 'sent_at', ...t.timestamp, isNullable: true },
          { name: 'message_id', type: 'varchar', length: '255', isNullable: true },
        ],
        foreignKeys: [
          {
            columnNames: ['magic_link_id'],
            referencedTableName: 'magic_links',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        // The sweeper's query: what is due, by status and time.
        indices: [
          { name: 'IDX_email_deliveries_status_next_attempt_at', columnNames: ['status', 'next_attempt_at'] },
          { name: 'IDX_email_deliveries_user_id', columnNames: ['user_id'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('email_deliveries');
  }
}
