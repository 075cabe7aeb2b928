import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThanOrEqual, Repository } from 'typeorm';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { EmailDelivery } from './email-delivery.entity.js';
import { EmailQueue } from './email-queue.js';

const BATCH = 500;

/**
 * Re-queues what a lost job would leave behind: queued deliveries past their due time (Redis lost its data, a
 * process died with its timers, an enqueue failed) and claimed ones whose worker's claim ran out (it was killed
 * mid-send). Runs at start and then every `sweepIntervalMs`; re-queuing what is already queued is harmless.
 */
@Injectable()
export class EmailDeliverySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EmailDeliverySweeper');
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private closed = false;

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    @InjectRepository(EmailDelivery) private readonly deliveries: Repository<EmailDelivery>,
    private readonly queue: EmailQueue,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.sweeping = this.sweep()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn(`sweep failed: ${String(error)}`))
        .finally(() => this.schedule(this.options.email.sweepIntervalMs));
    }, delayMs);
    this.timer.unref();
  }

  /** One pass; returns how many deliveries it re-queued. */
  async sweep(): Promise<number> {
    const now = Date.now();
    // A job normally picks a queued delivery up on time; give it one sweep interval before presuming it lost.
    const overdue = new Date(now - this.options.email.sweepIntervalMs);
    const found = await this.deliveries.find({
      select: { id: true, attempts: true },
      where: [
        { status: 'queued', nextAttemptAt: LessThanOrEqual(overdue) },
        { status: 'sending', leaseUntil: LessThanOrEqual(new Date(now)) },
      ],
      order: { nextAttemptAt: 'ASC' },
      take: BATCH,
    });
    for (const delivery of found) await this.queue.enqueue(delivery.id, delivery.attempts, 0);
    if (found.length > 0) this.logger.log(`re-queued ${found.length} overdue email deliveries`);
    return found.length;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.sweeping;
  }
}
