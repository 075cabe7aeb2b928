import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The indexes `POST /v1/users/search` reads through (src/users/users-search.store.ts): pages in (created_at, id)
 * order, status within that order, and emails by domain and by prefix. PostgreSQL compares the prefix ranges in
 * the "C" collation, byte-wise like SQLite, so that a range is a prefix match whatever the database's locale.
 */
export class UsersSearch1765200000000 implements MigrationInterface {
  name = 'UsersSearch1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    await queryRunner.createIndices('users', [
      new TableIndex({ name: 'IDX_users_created_at_id', columnNames: ['created_at', 'id'] }),
      new TableIndex({ name: 'IDX_users_status_created_at_id', columnNames: ['status', 'created_at', 'id'] }),
    ]);
    await queryRunner.createIndex(
      'user_emails',
      new TableIndex({ name: 'IDX_user_emails_user_id_verified', columnNames: ['user_id', 'verified'] }),
    );
    if (postgres) {
      await queryRunner.query(
        `CREATE INDEX "IDX_user_emails_domain" ON "user_emails" ((split_part("email_normalized", '@', 2) COLLATE "C"))`,
      );
      await queryRunner.query(
        `CREATE INDEX "IDX_user_emails_email_normalized_c" ON "user_emails" (("email_normalized" COLLATE "C"))`,
      );
    } else {
      await queryRunner.query(
        `CREATE INDEX "IDX_user_emails_domain" ON "user_emails" (substr("email_normalized", instr("email_normalized", '@') + 1))`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    if (postgres) await queryRunner.query(`DROP INDEX "IDX_user_emails_email_normalized_c"`);
    await queryRunner.query(`DROP INDEX "IDX_user_emails_domain"`);
    await queryRunner.dropIndex('user_emails', 'IDX_user_emails_user_id_verified');
    await queryRunner.dropIndex('users', 'IDX_users_status_created_at_id');
    await queryRunner.dropIndex('users', 'IDX_users_created_at_id');
  }
}
