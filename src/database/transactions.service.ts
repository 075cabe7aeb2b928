import { Injectable } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { InjectDataSource } from '@nestjs/typeorm';
import { AsyncLocalStorage } from 'node:async_hooks';
import pLimit from 'p-limit';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * Every transaction of the module, on either database. On PostgreSQL it is TypeORM's own, on a pooled connection of
 * its own. On SQLite it also takes its turn on the one connection (see `SqliteTurns`).
 */
@Injectable()
export class TransactionsService {
  private readonly turns: SqliteTurns | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.turns = dataSource.options.type === 'better-sqlite3' ? SqliteTurns.of(dataSource) : undefined;
  }

  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. On SQLite nothing else
   * uses the database meanwhile, so `work` must not wait for anything that needs the database outside `manager`
   * (a lookup another request started, say): it would wait for itself.
   */
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.turns ? this.turns.transaction(work) : this.dataSource.transaction(work);
  }

  /**
   * SQLite only: runs synchronous `work` (statements run with `FixedStatement.runNow`) as one transaction. While no
   * other transaction is open or waiting, it runs at once, and being synchronous nothing can come between its
   * statements, so it takes no turn and makes no other statement wait for it; otherwise it waits its turn as `run`.
   */
  runNow<T>(work: () => T): Promise<T> {
    if (!this.turns) throw new Error('TransactionsService.runNow is for SQLite');
    return this.turns.transactionNow(work);
  }
}

/**
 * TypeORM's better-sqlite3 driver has one connection and one query runner for the whole process: every request's
 * statements and transactions run on it. Two transactions that start at once then both send BEGIN ("cannot start a
 * transaction within a transaction"), or one opens a savepoint inside the other and is committed or rolled back with
 * it, and any other request's statement that runs meanwhile lands in the open transaction too. This gives the
 * connection to one transaction at a time: the others wait their turn, and so does every statement outside a
 * transaction while one is open or waiting, and a transaction begins only once the statements already running
 * outside it have ended. Statements of the transaction itself (the async context it runs in) go straight through;
 * nested transactions become savepoints. While no transaction is open or waiting, which is most of the time,
 * statements skip the queue: queueing each one cost measurable CPU per request.
 */
class SqliteTurns {
  private static readonly byDataSource = new WeakMap<DataSource, SqliteTurns>();
  /** One at a time, first come first served. */
  private readonly oneAtATime = pLimit(1);
  /** The open transaction of the current async context, if any; closed once it ended (timers may outlive it). */
  private readonly current = new AsyncLocalStorage<{ open: boolean }>();
  private readonly gated = new WeakSet<QueryRunner>();
  /** Transactions open or waiting for their turn: while there are any, other statements queue behind them. */
  private transactions = 0;
  /** Statements running outside any transaction, which the next transaction must let finish first. */
  private running = 0;
  private allEnded: (() => void) | undefined;
  /**
   * better-sqlite3's transaction function for `transactionNow`, made once per connection (a reconnect makes a new
   * one): making one defines four wrapped functions and their properties, which cost more than the BEGIN and COMMIT.
   */
  private synchronousTransaction: { connection: Database; run: (work: () => unknown) => unknown } | undefined;

  /** One per DataSource, however many modules share it: two locks on one connection would wait for each other. */
  static of(dataSource: DataSource): SqliteTurns {
    let turns = SqliteTurns.byDataSource.get(dataSource);
    if (!turns) SqliteTurns.byDataSource.set(dataSource, (turns = new SqliteTurns(dataSource)));
    return turns;
  }

  private constructor(private readonly dataSource: DataSource) {
    const { driver } = dataSource;
    const create = driver.createQueryRunner.bind(driver);
    // The driver hands out its one runner (a new one after a reconnect): every statement goes through `query`.
    driver.createQueryRunner = (mode) => this.gate(create(mode));
  }

  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.inTransaction()) return this.dataSource.transaction(work);
    this.transactions++;
    try {
      return await this.oneAtATime(async () => {
        await this.runningStatementsEnded();
        const transaction = { open: true };
        return this.current.run(transaction, async () => {
          try {
            return await this.dataSource.transaction(work);
          } finally {
            transaction.open = false;
          }
        });
      });
    } finally {
      // With no transaction open or waiting, nothing is in one: disabling the storage turns Node's promise hooks back
      // off (on Node 20 they stay on, slowing every await of every request, while any AsyncLocalStorage is enabled);
      // the next run() enables it again.
      if (--this.transactions === 0) this.current.disable();
    }
  }

  async transactionNow<T>(work: () => T): Promise<T> {
    const connection = (this.dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
    if (this.transactions > 0 || this.inTransaction() || connection.inTransaction) {
      return this.transaction(async () => work());
    }
    if (this.synchronousTransaction?.connection !== connection) {
      this.synchronousTransaction = {
        connection,
        run: connection.transaction((inTransaction: () => unknown) => inTransaction()),
      };
    }
    return this.synchronousTransaction.run(work) as T;
  }

  private gate(runner: QueryRunner): QueryRunner {
    if (this.gated.has(runner)) return runner;
    this.gated.add(runner);
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    runner.query = ((...args: unknown[]) => {
      if (this.inTransaction()) return query(...args);
      if (this.transactions > 0) return this.oneAtATime(() => query(...args));
      return this.outsideTransactions(() => query(...args));
    }) as QueryRunner['query'];
    return runner;
  }

  private async outsideTransactions<T>(statement: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await statement();
    } finally {
      if (--this.running === 0) {
        this.allEnded?.();
        this.allEnded = undefined;
      }
    }
  }

  /** Only the transaction whose turn it is waits here, so one waiter at a time. */
  private runningStatementsEnded(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => (this.allEnded = resolve));
  }

  private inTransaction(): boolean {
    return this.current.getStore()?.open === true;
  }
}
