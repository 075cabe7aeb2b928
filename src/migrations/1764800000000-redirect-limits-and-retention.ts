import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { portableTypes } from './1763800000000-initial-schema.js';

/**
 * The used-nonce records of the redirect page, and the indexes that the capped event writes and the retention
 * cleanup's deletes need (docs/operations.md).
 */
export class RedirectLimitsAndRetention1764800000000 implements MigrationInterface {
  name = 'RedirectLimitsAndRetention1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'redirect_used_nonces',
        columns: [
          { name: 'nonce_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'expires_at', ...t.timestamp },
        ],
        indices: [{ name: 'IDX_redirect_used_nonces_expires_at', columnNames: ['expires_at'] }],
      }),
    );
    // The cap per link and type counts by both; the link's own lookups and ON DELETE CASCADE use its prefix.
    await queryRunner.dropIndex('magic_link_events', 'IDX_magic_link_events_magic_link_id');
    await queryRunner.createIndices('magic_link_events', [
      new TableIndex({ name: 'IDX_magic_link_events_magic_link_id_type', columnNames: ['magic_link_id', 'type'] }),
      new TableIndex({
        name: 'IDX_magic_link_events_ip_address_created_at',
        columnNames: ['ip_address', 'created_at'],
      }),
      new TableIndex({ name: 'IDX_magic_link_events_created_at', columnNames: ['created_at'] }),
    ]);
    await queryRunner.createIndex(
      'magic_links',
      new TableIndex({ name: 'IDX_magic_links_expires_at', columnNames: ['expires_at'] }),
    );
    await queryRunner.createIndex(
      'sessions',
      new TableIndex({ name: 'IDX_sessions_expires_at', columnNames: ['expires_at'] }),
    );
    // Finished deliveries are found by the sweeper's index on (status, next_attempt_at).
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('sessions', 'IDX_sessions_expires_at');
    await queryRunner.dropIndex('magic_links', 'IDX_magic_links_expires_at');
    await queryRunner.dropIndex('magic_link_events', 'IDX_magic_link_events_created_at');
    await queryRunner.dropIndex('magic_link_events', 'IDX_magic_link_events_ip_address_created_at');
    await queryRunner.dropIndex('magic_link_events', 'IDX_magic_link_events_magic_link_id_type');
    await queryRunner.createIndex(
      'magic_link_events',
      new TableIndex({ name: 'IDX_magic_link_events_magic_link_id', columnNames: ['magic_link_id'] }),
    );
    await queryRunner.dropTable('redirect_used_nonces');
  }
}
