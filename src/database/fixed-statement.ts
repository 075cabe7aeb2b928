import type { Database, Statement } from 'better-sqlite3';
import { QueryFailedError, type DataSource, type EntityManager, type QueryResult } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils.js';

/**
 * One hand-written statement for a hot path, where building the query through TypeORM's query builder costs more CPU
 * than the database spends running it. Written in PostgreSQL's dialect with `$1…$n`, each placeholder once and in
 * order, so that on SQLite they become `?`, where values are bound as TypeORM binds them (`sqliteValue`).
 */
export class FixedStatement {
  private readonly sqlite: boolean;
  private readonly sql: string;
  /** SQLite: the statement prepared on the connection it was prepared for (a reconnect makes a new one). */
  private prepared: { connection: Database; statement: Statement } | undefined;

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
    const values = this.values(parameters);
    if (manager?.queryRunner) return manager.queryRunner.query(this.sql, values, true);
    const runner = this.dataSource.createQueryRunner();
    try {
      return await runner.query(this.sql, values, true);
    } finally {
      await runner.release();
    }
  }

  /**
   * SQLite only: runs the statement at once, synchronously, on the one connection; for work that
   * `TransactionsService.runNow` makes one transaction. Fails as TypeORM's `query` does (a `QueryFailedError`).
   */
  runNow(parameters: unknown[]): number {
    return this.now(parameters, (statement, values) => statement.run(...values).changes);
  }

  /** SQLite only: as `runNow`, for a statement that reads; its rows as TypeORM's `query` would return them. */
  allNow(parameters: unknown[]): Record<string, unknown>[] {
    return this.now(parameters, (statement, values) => statement.all(...values) as Record<string, unknown>[]);
  }

  private now<T>(parameters: unknown[], execute: (statement: Statement, values: unknown[]) => T): T {
    const connection = (this.dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
    if (this.prepared?.connection !== connection) {
      this.prepared = { connection, statement: connection.prepare(this.sql) };
    }
    const values = this.values(parameters);
    try {
      return execute(this.prepared.statement, values);
    } catch (error) {
      throw new QueryFailedError(this.sql, values, error as Error);
    }
  }

  private values(parameters: unknown[]): unknown[] {
    return this.sqlite ? parameters.map(sqliteValue) : parameters;
  }
}

/** A value as TypeORM binds it on SQLite: a `Date` as its `Date` columns hold it, a boolean as 1 or 0. */
function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return DateUtils.mixedDateToUtcDatetimeString(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
