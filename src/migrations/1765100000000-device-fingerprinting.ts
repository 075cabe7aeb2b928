import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { portableTypes } from './1763800000000-initial-schema.js';

/**
 * Device fingerprinting (docs/device-fingerprinting.md): telemetry records (fingerprints and flags, no raw
 * signals), rules, verdict reason overrides, the users seen per device, and the verdict on redirect page events.
 */
export class DeviceFingerprinting1765100000000 implements MigrationInterface {
  name = 'DeviceFingerprinting1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    const fingerprint = { type: 'varchar', length: '64' };
    await queryRunner.createTable(
      new Table({
        name: 'fraud_telemetry',
        columns: [
          { name: 'telemetry_id', ...t.id, isPrimary: true },
          { name: 'visitor_id', ...t.id, isNullable: true },
          { name: 'browser_id', ...t.id, isNullable: true },
          { name: 'visitor_fingerprint', ...fingerprint },
          { name: 'browser_fingerprint', ...fingerprint },
          { name: 'hardware_fingerprint', ...fingerprint },
          { name: 'network_fingerprint', ...fingerprint },
          { name: 'reasons', ...t.json },
          { name: 'detected_device_type', type: 'varchar', length: '32' },
          { name: 'ip_address', type: 'varchar', length: '64' },
          { name: 'country_code', type: 'varchar', length: '2', isNullable: true },
          { name: 'created_at', ...t.timestamp },
          { name: 'expires_at', ...t.timestamp },
        ],
        indices: [
          {
            name: 'IDX_fraud_telemetry_visitor_fingerprint_created_at',
            columnNames: ['visitor_fingerprint', 'created_at'],
          },
          { name: 'IDX_fraud_telemetry_expires_at', columnNames: ['expires_at'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'fraud_rules',
        columns: [
          { name: 'id', ...t.id, isPrimary: true },
          { name: 'rule_type', type: 'varchar', length: '32' },
          { name: 'identifier', type: 'varchar', length: '128' },
          { name: 'action', type: 'varchar', length: '16' },
          { name: 'description', type: 'varchar', length: '512', isNullable: true },
          { name: 'created_at', ...t.timestamp },
          { name: 'last_updated_at', ...t.timestamp, isNullable: true },
          { name: 'expires_at', ...t.timestamp, isNullable: true },
        ],
        indices: [
          { name: 'IDX_fraud_rules_rule_type_identifier', columnNames: ['rule_type', 'identifier'], isUnique: true },
          { name: 'IDX_fraud_rules_expires_at', columnNames: ['expires_at'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'fraud_verdict_reason_overrides',
        columns: [
          { name: 'verdict_reason', type: 'varchar', length: '64', isPrimary: true },
          { name: 'override_action', type: 'varchar', length: '16' },
          { name: 'override_description', type: 'varchar', length: '512', isNullable: true },
          { name: 'created_at', ...t.timestamp },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'fraud_device_users',
        columns: [
          { name: 'visitor_fingerprint', ...fingerprint, isPrimary: true },
          { name: 'user_key', type: 'varchar', length: '128', isPrimary: true },
          { name: 'created_at', ...t.timestamp },
        ],
        indices: [{ name: 'IDX_fraud_device_users_created_at', columnNames: ['created_at'] }],
      }),
    );
    await queryRunner.addColumns('magic_link_events', [
      new TableColumn({ name: 'telemetry_id', ...t.id, isNullable: true }),
      new TableColumn({ name: 'verdict_action', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({ name: 'verdict_reasons', ...t.json, isNullable: true }),
      new TableColumn({ name: 'visitor_fingerprint', type: 'varchar', length: '64', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('magic_link_events', [
      'visitor_fingerprint',
      'verdict_reasons',
      'verdict_action',
      'telemetry_id',
    ]);
    await queryRunner.dropTable('fraud_device_users');
    await queryRunner.dropTable('fraud_verdict_reason_overrides');
    await queryRunner.dropTable('fraud_rules');
    await queryRunner.dropTable('fraud_telemetry');
  }
}
