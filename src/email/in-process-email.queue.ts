import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EmailDeliveryService } from './email-delivery.service.js';
import { EmailQueue } from './email-queue.js';

/**
 * The queue without Redis: timers in this process, with Bull's retry policy (the delivery service computes it for
 * both). A process that dies loses its timers, not its mail: the sweeper finds the records again at the next start.
 */
@Injectable()
export class InProcessEmailQueue extends EmailQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('EmailQueue');
  /** Jobs waiting or running, by delivery id: one job per delivery at a time. */
  private readonly pending = new Map<string, NodeJS.Timeout | 'ready' | 'running'>();
  private readonly ready: string[] = [];
  private running = 0;
  private closed = false;
  private readonly idle = new Set<() => void>();

  constructor(private readonly deliveries: EmailDeliveryService) {
    super();
  }

  enqueue(deliveryId: string, _attempts: number, delayMs: number): Promise<void> {
    if (this.closed || this.pending.has(deliveryId)) return Promise.resolve();
    const timer = setTimeout(() => this.makeReady(deliveryId), delayMs);
    this.pending.set(deliveryId, timer);
    return Promise.resolve();
  }

  private makeReady(deliveryId: string): void {
    this.pending.set(deliveryId, 'ready');
    this.ready.push(deliveryId);
    this.drain();
  }

  private drain(): void {
    while (!this.closed && this.running < this.deliveries.capacity && this.ready.length > 0) {
      const deliveryId = this.ready.shift()!;
      this.pending.set(deliveryId, 'running');
      this.running++;
      void this.run(deliveryId);
    }
  }

  private async run(deliveryId: string): Promise<void> {
    try {
      const outcome = await this.deliveries.deliver(deliveryId);
      this.pending.delete(deliveryId);
      if (outcome.retry) await this.enqueue(deliveryId, outcome.attempt, outcome.delayMs);
    } catch (error) {
      // The database failed: the record stays as it was and the sweeper tries again.
      this.pending.delete(deliveryId);
      this.logger.error(`delivery ${deliveryId}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running--;
      if (this.running === 0) for (const resolve of this.idle) resolve();
      this.drain();
    }
  }

  /** On shutdown: no new attempts; the ones running finish (their mail is sent and recorded, not cut off). */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const state of this.pending.values()) if (typeof state === 'object') clearTimeout(state);
    if (this.running > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
  }
}
