import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { EmailDeliveryService } from './email-delivery.service.js';
import { EmailQueue } from './email-queue.js';

export const EMAIL_QUEUE_NAME = 'magic-links-email';

interface DeliveryJob {
  deliveryId: string;
}

/**
 * The queue on Redis through @nestjs/bull, shared by every gateway process. Job ids are `<delivery>:<attempts>`,
 * so the sweeper re-adding a job that still exists adds nothing. Jobs carry the delivery id only, never a token.
 */
@Injectable()
export class BullEmailQueue extends EmailQueue {
  constructor(@InjectQueue(EMAIL_QUEUE_NAME) private readonly queue: Queue<DeliveryJob>) {
    super();
  }

  async enqueue(deliveryId: string, attempts: number, delayMs: number): Promise<void> {
    await this.queue.add(
      { deliveryId },
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

/** Runs this process's share of the jobs, `email.concurrency` at once. */
@Injectable()
export class EmailDeliveryProcessor implements OnModuleInit {
  private readonly logger = new Logger('EmailQueue');

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    @InjectQueue(EMAIL_QUEUE_NAME) private readonly queue: Queue<DeliveryJob>,
    private readonly deliveries: EmailDeliveryService,
    private readonly emailQueue: EmailQueue,
  ) {}

  onModuleInit(): void {
    void this.queue.process(this.options.email.concurrency, (job) => this.deliver(job));
  }

  private async deliver(job: Job<DeliveryJob>): Promise<void> {
    const { deliveryId } = job.data;
    const outcome = await this.deliveries.deliver(deliveryId);
    if (!outcome.retry) return;
    await this.emailQueue.enqueue(deliveryId, outcome.attempt, outcome.delayMs).catch((error: unknown) => {
      // Redis is down: the record is queued with its due time, and the sweeper re-adds the job.
      this.logger.warn(`delivery ${deliveryId}: retry not queued (${String(error)}); the sweeper will`);
    });
  }
}
