import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { portableTypes } from './1763800000000-initial-schema.js';

/**
 * The delivery administration API (docs/operations.md): a record of each delivery attempt, the attempt count a
 * retry by hand restarts the retry policy from, and the indexes of the listing (newest first, by address).
 */
export class EmailDeliveryAttempts1765300000000 implements MigrationInterface {
  name = 'EmailDeliveryAttempts1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'email_delivery_attempts',
        columns: [
          { name: 'delivery_id', ...t.id, isPrimary: true },
          { name: 'attempt', type: 'integer', isPrimary: true },
          { name: 'started_at', ...t.timestamp },
          { name: 'ended_at', ...t.timestamp },
          { name: 'outcome', type: 'varchar', length: '16' },
          { name: 'error', type: 'varchar', length: '1024', isNullable: true },
        ],
        foreignKeys: [
          {
            columnNames: ['delivery_id'],
            referencedTableName: 'email_deliveries',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await queryRunner.addColumn(
      'email_deliveries',
      new TableColumn({ name: 'retried_after_attempts', type: 'integer', default: 0 }),
    );
    await queryRunner.createIndices('email_deliveries', [
      new TableIndex({ name: 'IDX_email_deliveries_created_at_id', columnNames: ['created_at', 'id'] }),
      new TableIndex({ name: 'IDX_email_deliveries_to_address_created_at', columnNames: ['to_address', 'created_at'] }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('email_deliveries', 'IDX_email_deliveries_to_address_created_at');
    await queryRunner.dropIndex('email_deliveries', 'IDX_email_deliveries_created_at_id');
    await queryRunner.dropColumn('email_deliveries', 'retried_after_attempts');
    await queryRunner.dropTable('email_delivery_attempts');
  }
}
