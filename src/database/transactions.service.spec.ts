import { DataSource } from 'typeorm';
import { FixedStatement } from './fixed-statement.js';
import { TransactionsService } from './transactions.service.js';

/** A promise and the function that resolves it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('TransactionsService on SQLite', () => {
  let dataSource: DataSource;
  let transactions: TransactionsService;

  beforeEach(async () => {
    dataSource = await new DataSource({ type: 'better-sqlite3', database: ':memory:' }).initialize();
    await dataSource.query('CREATE TABLE t (v TEXT NOT NULL)');
    transactions = new TransactionsService(dataSource);
  });
  afterEach(() => dataSource.destroy());

  const insert = (runner: { query(sql: string, values: unknown[]): Promise<unknown> }, value: string) =>
    runner.query('INSERT INTO t (v) VALUES (?)', [value]);
  const values = async () =>
    ((await dataSource.query('SELECT v FROM t ORDER BY v')) as { v: string }[]).map((row) => row.v);

  /** A transaction that has written a row and stays open until `finish`, then fails (and rolls the row back). */
  async function openFailingTransaction(): Promise<{ finish: ReturnType<typeof deferred>; failing: Promise<void> }> {
    const started = deferred();
    const finish = deferred();
    const failing = transactions.run(async (manager) => {
      await insert(manager, 'rolled back');
      started.resolve();
      await finish.promise;
      throw new Error('the request failed');
    });
    await started.promise;
    return { finish, failing };
  }

  it('runs transactions started at once whole, one after the other', async () => {
    await Promise.all(
      ['a', 'b', 'c'].map((value) =>
        transactions.run(async (manager) => {
          await insert(manager, value);
          await new Promise((resolve) => setTimeout(resolve, 5));
          await insert(manager, `${value}2`);
        }),
      ),
    );
    expect(await values()).toEqual(['a', 'a2', 'b', 'b2', 'c', 'c2']);
  });

  it('keeps other statements out of an open transaction, so that its rollback undoes only its own writes', async () => {
    const { finish, failing } = await openFailingTransaction();
    const outside = insert(dataSource, 'outside');
    const nested = transactions.run((manager) => insert(manager, 'other transaction'));
    finish.resolve();
    await expect(failing).rejects.toThrow('the request failed');
    await Promise.all([outside, nested]);
    expect(await values()).toEqual(['other transaction', 'outside']);
  });

  it('nests a transaction opened inside another as a savepoint', async () => {
    await transactions.run(async (manager) => {
      await insert(manager, 'outer');
      await expect(
        transactions.run(async (inner) => {
          await insert(inner, 'inner');
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
    });
    expect(await values()).toEqual(['outer']);
  });

  it('runs synchronous work whole, never inside another transaction open meanwhile, all or nothing', async () => {
    const insertNow = new FixedStatement(dataSource, 'INSERT INTO t (v) VALUES ($1)');
    const { finish, failing } = await openFailingTransaction();
    const both = transactions.runNow(() => {
      insertNow.runNow(['now']);
      insertNow.runNow(['now2']);
    });
    finish.resolve();
    await expect(failing).rejects.toThrow('the request failed');
    await both;
    await dataSource.query('CREATE UNIQUE INDEX t_v ON t (v)');
    await expect(
      transactions.runNow(() => {
        insertNow.runNow(['first']);
        insertNow.runNow(['now']);
      }),
    ).rejects.toThrow('UNIQUE');
    expect(await values()).toEqual(['now', 'now2']);
  });
});
