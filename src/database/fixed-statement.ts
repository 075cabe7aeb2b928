import type { DataSource, EntityManager, QueryResult } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils.js';

/**
 * One hand-written statement for a hot path, where building the query through TypeORM's query builder costs more CPU
 * than the database spends running it. Written in PostgreSQL's dialect with `$1…$n`, each placeholder once and in
 * order, so that on SQLite they become `?`; `Date` values are bound as TypeORM writes a `Date` column on SQLite.
 */
export class FixedStatement {
  private readonly sqlite: boolean;
  private readonly sql: string;

  constructor(
    private readonly dataSource: DataSource,
    sql: string,
  ) {
    const placeholders = [...sql.matchAll(/\$(\d+)/g)].map((match) => Number(match[1]));
    if (placeholders.some((number, index) => number !== index + 1)) {
      throw new Error(`A FixedStatement uses $1…$n once each and in order: ${sql}`);
    }
    this.sqlite = dataSource.options.type === 'better-sqlite3';
    this.sql = this.sqlite ? sql.replace(/\$\d+/g, '?') : sql;
  }

  /** Runs the statement, in `manager`'s transaction when it has one. */
  async run(parameters: unknown[], manager?: EntityManager): Promise<QueryResult> {
    const values = this.sqlite
      ? parameters.map((value) => (value instanceof Date ? DateUtils.mixedDateToUtcDatetimeString(value) : value))
      : parameters;
    if (manager?.queryRunner) return manager.queryRunner.query(this.sql, values, true);
    const runner = this.dataSource.createQueryRunner();
    try {
      return await runner.query(this.sql, values, true);
    } finally {
      await runner.release();
    }
  }
}
