import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EmailDeliveryService } from './email-delivery.service.js';
import { EmailQueue } from './email-queue.js';

/** The longest a sender waits for room in the queue (see `InProcessEmailQueue.room`). */
const ROOM_WAIT_MS = 1000;

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
  /** Deliveries asked for now (no delay) whose timer has not fired yet: about to be ready. */
  private due = 0;
  /** Senders waiting for room (see `room`). */
  private readonly roomWaiters = new Set<() => void>();
  private running = 0;
  private closed = false;
  private readonly idle = new Set<() => void>();

  constructor(private readonly deliveries: EmailDeliveryService) {
    super();
  }

  enqueue(deliveryId: string, _attempts: number, delayMs: number): Promise<void> {
    if (this.closed || this.pending.has(deliveryId)) return Promise.resolve();
    const now = delayMs <= 0;
    if (now) this.due++;
    // A timer even for no delay: the deliveries asked for in one turn become ready together, and make one batch.
    const timer = setTimeout(() => this.makeReady(deliveryId, now), delayMs);
    this.pending.set(deliveryId, timer);
    return Promise.resolve();
  }

  /**
   * While more deliveries wait for a turn than one full round of batches takes (`EmailDeliveryService.capacity`),
   * a sender waits until a batch has taken some, at most `ROOM_WAIT_MS`. Without it a sustained load of sends was
   * accepted faster than the mail went out (421 sends/s against 341 mails/s on PostgreSQL in the bench), and the
   * backlog, and each new mail's delay, grew for as long as the load lasted. The record is not written yet while
   * its sender waits, so a crash meanwhile loses nothing that was accepted. The bound on the wait keeps a stalled
   * SMTP server from holding every send: they are then accepted at most one per `ROOM_WAIT_MS` and connection.
   */
  override room(): Promise<void> {
    if (this.closed || this.freePlaces() > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.roomWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ROOM_WAIT_MS);
      this.roomWaiters.add(done);
    });
  }

  /** How many more deliveries may wait for a turn: a full round of batches, less those ready or about to be. */
  private freePlaces(): number {
    return this.deliveries.capacity - this.due - this.ready.length;
  }

  private makeReady(deliveryId: string, wasDue: boolean): void {
    if (wasDue) this.due--;
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
    // As many senders as there is room for; each one's delivery takes a place when it is asked for.
    let free = this.freePlaces();
    for (const admit of this.roomWaiters) {
      if (free-- <= 0) break;
      admit();
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
    for (const admit of this.roomWaiters) admit();
    for (const state of this.pending.values()) if (typeof state === 'object') clearTimeout(state);
    if (this.running > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
  }
}
