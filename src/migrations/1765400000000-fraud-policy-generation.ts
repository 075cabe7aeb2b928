import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * One counter that every change of the fraud rules or verdict reason overrides moves on, in the change's
 * transaction: each instance caches the CIDR rules and the overrides for fingerprint lookups, and reads the counter
 * in the lookup's own statement to know when its cache is stale.
 */
export class FraudPolicyGeneration1765400000000 implements MigrationInterface {
  name = 'FraudPolicyGeneration1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'fraud_policy_generation',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'generation', type: 'integer' },
        ],
      }),
    );
    await queryRunner.query('INSERT INTO fraud_policy_generation (id, generation) VALUES (1, 0)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('fraud_policy_generation');
  }
}
