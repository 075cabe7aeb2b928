import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { EmailDeliveriesStore } from './email-deliveries.store.js';
import { EmailDeliveryService } from './email-delivery.service.js';
import { EmailQueue } from './email-queue.js';

const BATCH = 500;

/**
 * Delivers what a lost job would leave behind: queued deliveries past their due time (Redis lost its data, a
 * process died with its timers, an enqueue failed, a job's Redis state was left in no list) and claimed ones whose
 * worker's claim ran out (it was killed mid-send). It delivers them itself, through the same claim as a queue's
 * worker, rather than queuing them again: the database record is what must be sent, and whatever state the queue is
 * in (down, emptied, or holding a job id that will never run) cannot stop it. Runs at start and then every
 * `sweepIntervalMs`, in the delivery service's batches.
 */
@Injectable()
export class EmailDeliverySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EmailDeliverySweeper');
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private closed = false;

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    private readonly store: EmailDeliveriesStore,
    private readonly deliveries: EmailDeliveryService,
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

  /** One pass; returns how many overdue deliveries it found (another instance may have delivered some first). */
  async sweep(): Promise<number> {
    const now = Date.now();
    // A job normally picks a queued delivery up on time; give it one sweep interval before presuming it lost.
    const found = await this.store.overdue(new Date(now - this.options.email.sweepIntervalMs), new Date(now), BATCH);
    if (found.length === 0) return 0;
    this.logger.log(`delivering ${found.length} overdue email deliveries`);
    const next = found.values();
    const worker = async () => {
      for (let id = next.next(); !id.done && !this.closed; id = next.next()) await this.deliver(id.value);
    };
    await Promise.all(Array.from({ length: Math.min(this.deliveries.capacity, found.length) }, worker));
    return found.length;
  }

  private async deliver(id: string): Promise<void> {
    try {
      const outcome = await this.deliveries.deliver(id);
      if (outcome.retry) await this.queue.enqueue(id, outcome.attempt, outcome.delayMs);
    } catch (error) {
      // The database or the queue failed: the record says what is left, and the next sweep finds it again.
      this.logger.warn(
        `delivery ${id}: ${error instanceof Error ? error.message : String(error)}; the next sweep retries`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.sweeping;
  }
}
