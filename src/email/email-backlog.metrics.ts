import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Gauge, type Registry } from 'prom-client';
import { In, Repository } from 'typeorm';
import { InjectMetricsRegistry } from '../metrics/metrics-registry.js';
import { EmailDelivery, type EmailDeliveryStatus } from './email-delivery.entity.js';

const PENDING: EmailDeliveryStatus[] = ['queued', 'sending'];

/** A scrape's reading of the backlog; both gauges share it. */
interface Backlog {
  counts: Record<string, number>;
  oldest: Date | undefined;
}

/**
 * The delivery backlog as gauges read from the database when Prometheus scrapes (two indexed queries on the
 * pending rows), so they count every instance's mail and need no bookkeeping on the hot path.
 */
@Injectable()
export class EmailBacklogMetrics {
  private readonly logger = new Logger('EmailBacklogMetrics');
  /** The reading in progress: a scrape collects both gauges at once, and they share it. */
  private reading: Promise<Backlog | undefined> | undefined;

  constructor(
    @InjectMetricsRegistry() registry: Registry,
    @InjectRepository(EmailDelivery) private readonly deliveries: Repository<EmailDelivery>,
  ) {
    const read = () => this.read();
    new Gauge({
      name: 'magic_links_email_queue_depth',
      help: 'Mails waiting for delivery: queued (due or retrying later) and sending (claimed by a worker).',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        const backlog = await read();
        this.reset();
        if (backlog) for (const status of PENDING) this.set({ status }, backlog.counts[status] ?? 0);
      },
    });
    new Gauge({
      name: 'magic_links_email_oldest_pending_age_seconds',
      help: 'Age of the oldest mail not yet delivered nor given up (0 when none waits).',
      registers: [registry],
      async collect() {
        const backlog = await read();
        this.reset();
        if (backlog) this.set(backlog.oldest ? Math.max(0, (Date.now() - backlog.oldest.getTime()) / 1000) : 0);
      },
    });
  }

  /** One reading per scrape; nothing when the database does not answer (the gauges are then left out). */
  private read(): Promise<Backlog | undefined> {
    this.reading ??= this.query()
      .catch((error: unknown) => {
        this.logger.warn(`Email backlog not read for metrics: ${String(error)}`);
        return undefined;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async query(): Promise<Backlog> {
    const rows = await this.deliveries
      .createQueryBuilder('d')
      .select('d.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .where({ status: In(PENDING) })
      .groupBy('d.status')
      .getRawMany<{ status: string; count: number | string }>();
    const oldest = await this.deliveries.findOne({
      select: { id: true, createdAt: true },
      where: { status: In(PENDING) },
      order: { createdAt: 'ASC' },
    });
    return {
      counts: Object.fromEntries(rows.map((row) => [row.status, Number(row.count)])),
      oldest: oldest?.createdAt,
    };
  }
}
