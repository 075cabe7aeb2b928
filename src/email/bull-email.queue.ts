import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { EmailDeliveryService } from './email-delivery.service.js';
import { EmailQueue } from './email-queue.js';

export const EMAIL_QUEUE_NAME = 'magic-links-email';
/** The Bull queue, as `email/bull-queue.module.ts` provides it (Bull is an optional peer, loaded only when chosen). */
export const BULL_EMAIL_QUEUE = Symbol('BULL_EMAIL_QUEUE');

/** A job's data: none. Its id names the delivery (see `BullEmailQueue`), and never a token. */
type DeliveryJob = Record<string, never>;

/**
 * The queue on Redis through @nestjs/bull, shared by every gateway process. Job ids are `<delivery>:<attempts>`;
 * only the request (0) and the end of a claimed attempt (its number) ask for a job, so every job of a delivery has
 * its own id, and a stale one left in Redis (which Bull would keep instead of a new job of the same id) is never
 * asked for again.
 */
@Injectable()
export class BullEmailQueue extends EmailQueue {
  constructor(@Inject(BULL_EMAIL_QUEUE) private readonly queue: Queue<DeliveryJob>) {
    super();
  }

  async enqueue(deliveryId: string, attempts: number, delayMs: number): Promise<void> {
    await this.queue.add(
      {},
      {
        jobId: `${deliveryId}:${attempts}`,
        delay: delayMs,
        // Retries are the delivery service's (the same policy as without Redis): one Bull attempt per job.
        attempts: 1,
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }
}

/** Runs this process's share of the jobs, as many at once as the delivery service's batches take. */
@Injectable()
export class EmailDeliveryProcessor implements OnModuleInit {
  private readonly logger = new Logger('EmailQueue');

  constructor(
    @Inject(BULL_EMAIL_QUEUE) private readonly queue: Queue<DeliveryJob>,
    private readonly deliveries: EmailDeliveryService,
    private readonly emailQueue: EmailQueue,
  ) {}

  onModuleInit(): void {
    void this.queue.process(this.deliveries.capacity, (job) => this.deliver(job));
  }

  private async deliver(job: Job<DeliveryJob>): Promise<void> {
    // From the id, not the data: a worker's command replayed on a Redis that lost its data re-creates the job's
    // hash with no data, never without its key.
    const deliveryId = String(job.id).slice(0, String(job.id).lastIndexOf(':'));
    const outcome = await this.deliveries.deliver(deliveryId);
    if (!outcome.retry) return;
    await this.emailQueue.enqueue(deliveryId, outcome.attempt, outcome.delayMs).catch((error: unknown) => {
      // Redis is down: the record is queued with its due time, and the sweeper delivers it once overdue.
      this.logger.warn(`delivery ${deliveryId}: retry not queued (${String(error)}); the sweeper will deliver it`);
    });
  }
}
