import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { FixedStatement } from '../database/fixed-statement.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';

const DAY_MS = 86_400_000;

/** One kind of row the cleanup deletes: those whose condition holds for the cutoff. */
interface RetentionTask {
  name: 'events' | 'links' | 'sessions' | 'deliveries' | 'used_nonces' | 'telemetry' | 'device_users';
  /** Rows older than this many days are deleted; false keeps them. */
  days: number | false;
  /** Deletes one batch: `$1` is the cutoff, `$2` the batch size. */
  statement: FixedStatement;
}

/** Rows deleted by one run, by kind. */
export type RetentionReport = Partial<Record<RetentionTask['name'], number>>;

/**
 * Deletes what the gateway no longer needs, as `retention` says (docs/operations.md): redirect page events, links
 * some days after they expired (their events and delivery go with them, by ON DELETE CASCADE), sessions some days
 * after they expired, finished email deliveries, and used confirm nonces once they would be stale anyway.
 *
 * Runs at start and then every `retention.intervalMs` in each process (a host that sets it to 0 can call `run()` from
 * a scheduler of its own). Each statement deletes at most `batchSize` rows through an index, so SQLite's write lock
 * is never held for long and requests run between batches; on PostgreSQL, `SKIP LOCKED` lets instances sharing the
 * database take disjoint batches instead of waiting on each other.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Retention');
  private readonly tasks: RetentionTask[];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private closed = false;

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    @InjectDataSource() dataSource: DataSource,
  ) {
    const lock = dataSource.options.type === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const batch = (table: string, key: string, condition: string) =>
      new FixedStatement(
        dataSource,
        `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${condition} LIMIT $2${lock})`,
      );
    const { retention } = options;
    this.tasks = [
      { name: 'events', days: retention.eventDays, statement: batch('magic_link_events', 'id', 'created_at < $1') },
      { name: 'links', days: retention.linkDays, statement: batch('magic_links', 'id', 'expires_at < $1') },
      { name: 'sessions', days: retention.sessionDays, statement: batch('sessions', 'id', 'expires_at < $1') },
      {
        name: 'deliveries',
        days: retention.deliveryDays,
        // A finished delivery's next_attempt_at is when its last attempt was due.
        statement: batch(
          'email_deliveries',
          'id',
          "status IN ('sent', 'failed', 'cancelled') AND next_attempt_at < $1",
        ),
      },
      // A used nonce's record expires with the nonce itself: no age to set.
      { name: 'used_nonces', days: 0, statement: batch('redirect_used_nonces', 'nonce_hash', 'expires_at < $1') },
      {
        name: 'telemetry',
        days: retention.telemetryDays,
        statement: batch('fraud_telemetry', 'telemetry_id', 'expires_at < $1'),
      },
      {
        name: 'device_users',
        days: retention.telemetryDays,
        // Two-column key: the batch is picked by created_at alone, which its index serves.
        statement: new FixedStatement(
          dataSource,
          'DELETE FROM fraud_device_users WHERE created_at IN (SELECT created_at FROM fraud_device_users ' +
            `WHERE created_at < $1 ORDER BY created_at LIMIT $2${lock})`,
        ),
      },
    ];
  }

  onApplicationBootstrap(): void {
    if (this.options.retention.intervalMs > 0) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.running = this.run()
        .catch((error: unknown) => this.logger.warn(`cleanup failed: ${String(error)}`))
        .finally(() => this.schedule(this.options.retention.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  /** One pass over every kind of row; returns how many of each it deleted. */
  async run(now = new Date()): Promise<RetentionReport> {
    const report: RetentionReport = {};
    const { batchSize } = this.options.retention;
    for (const task of this.tasks) {
      if (task.days === false) continue;
      const cutoff = new Date(now.getTime() - task.days * DAY_MS);
      let deleted = 0;
      while (!this.closed) {
        const affected = (await task.statement.run([cutoff, batchSize])).affected ?? 0;
        deleted += affected;
        if (affected < batchSize) break;
        // Let waiting requests have the database before the next batch.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (deleted > 0) report[task.name] = deleted;
    }
    if (Object.keys(report).length > 0) this.logger.log({ deleted: report }, 'Retention cleanup deleted old rows');
    return report;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
