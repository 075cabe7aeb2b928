import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { portableTypes } from './1763800000000-initial-schema.js';

export class MagicLinkEvents1764600000000 implements MigrationInterface {
  name = 'MagicLinkEvents1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'magic_link_events',
        columns: [
          { name: 'id', ...t.id, isPrimary: true },
          { name: 'magic_link_id', ...t.id },
          { name: 'email_id', ...t.id, isNullable: true },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'reason', type: 'varchar', length: '32', isNullable: true },
          { name: 'automatic', ...t.boolean },
          { name: 'signals', ...t.json },
          { name: 'ip_address', type: 'varchar', length: '64' },
          { name: 'user_agent', type: 'varchar', length: '1024' },
          { name: 'client_hints', ...t.json, isNullable: true },
          { name: 'fingerprint', type: 'varchar', length: '64', isNullable: true },
          { name: 'sent_at', ...t.timestamp },
          { name: 'created_at', ...t.timestamp },
        ],
        foreignKeys: [
          {
            columnNames: ['magic_link_id'],
            referencedTableName: 'magic_links',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [
          { name: 'IDX_magic_link_events_magic_link_id', columnNames: ['magic_link_id'] },
          { name: 'IDX_magic_link_events_email_id', columnNames: ['email_id'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('magic_link_events');
  }
}
