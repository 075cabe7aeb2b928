import { Injectable, Logger } from '@nestjs/common';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { EmailLocale, ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import {
  EmailDeliveriesStore,
  type AttemptEnd,
  type ClaimedDelivery,
  type SentMail,
} from './email-deliveries.store.js';
import type { EmailDeliveryAttemptOutcome } from './email-delivery-attempt.entity.js';
import type { EmailDelivery } from './email-delivery.entity.js';
import { EmailTemplatesService } from './email-templates.service.js';
import { emailedMagicLinkUrl } from './magic-link-url.js';
import { MailTransportService } from './mail-transport.service.js';
import { TokenSealer } from './token-sealer.js';
import { mailFailureClass } from '../metrics/mail-failure.js';
import { MagicLinksMetrics } from '../metrics/magic-links-metrics.service.js';

/** What a delivery attempt left to do: nothing, or another attempt (the `attempt`-th) after `delayMs`. */
export type DeliveryOutcome = { retry: false } | { retry: true; attempt: number; delayMs: number };

/** A caller of `deliver`, waiting for its attempt's outcome. */
interface Waiter {
  id: string;
  resolve(outcome: DeliveryOutcome): void;
  reject(error: unknown): void;
}

const NOTHING_LEFT: DeliveryOutcome = { retry: false };

/**
 * Sends delivery records' mail, at most one worker at a time per record: a worker first claims the record (a
 * conditional write that also counts the attempt), sends, then marks it sent under the same claim. Jobs may run
 * twice (a queue is at-least-once); the claim makes the second run a no-op.
 *
 * Attempts run in batches: the deliveries asked for while `email.concurrency` batches are running wait, and up to
 * `email.batchSize` of them make the next batch, which is claimed in one statement, sent (the mails at once, over
 * the transport's pooled connections) and marked sent in one statement. Under load a delivery's statements wait
 * behind the requests' for the database, so one wait per batch instead of two per mail is what lets delivery keep
 * up with the requests. At most `concurrency × batchSize` attempts run at once in a process, the queue's and the
 * sweeper's together, so that a crash between SMTP's answer and the `sent` mark can duplicate no more mails than
 * that.
 */
@Injectable()
export class EmailDeliveryService {
  private readonly logger = new Logger('EmailDelivery');
  private readonly waiting: Waiter[] = [];
  private batches = 0;
  private scheduled = false;

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    private readonly store: EmailDeliveriesStore,
    private readonly templates: EmailTemplatesService,
    private readonly transport: MailTransportService,
    private readonly sealer: TokenSealer,
    private readonly metrics: MagicLinksMetrics,
  ) {}

  /** How many deliveries may be asked for at once to keep every batch full. */
  get capacity(): number {
    return this.options.email.concurrency * this.options.email.batchSize;
  }

  /** Attempts the delivery (in the next batch); resolves with what is left to do once the attempt ended. */
  deliver(id: string): Promise<DeliveryOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ id, resolve, reject });
      // The deliveries asked for in the same turn (a queue handing out its ready jobs) go in one batch.
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.next();
        });
      }
    });
  }

  private next(): void {
    const { concurrency, batchSize } = this.options.email;
    while (this.batches < concurrency && this.waiting.length > 0) {
      this.batches++;
      void this.attempt(this.waiting.splice(0, batchSize)).finally(() => {
        this.batches--;
        this.next();
      });
    }
  }

  private async attempt(batch: Waiter[]): Promise<void> {
    const waiters = new Map<string, Waiter>();
    for (const waiter of batch) {
      // The same delivery asked for twice (a job and the sweeper): one claim, and the other has nothing to do.
      if (waiters.has(waiter.id)) waiter.resolve(NOTHING_LEFT);
      else waiters.set(waiter.id, waiter);
    }
    const now = new Date();
    let claimed: ClaimedDelivery[];
    try {
      claimed = await this.store.claimMany(
        [...waiters.keys()],
        now,
        new Date(now.getTime() + this.options.email.leaseMs),
      );
    } catch (error) {
      for (const waiter of waiters.values()) waiter.reject(error);
      return;
    }
    const results = await Promise.allSettled(claimed.map((delivery) => this.send(delivery, now)));
    const sent: SentMail[] = [];
    results.forEach((result, index) => {
      const waiter = waiters.get(claimed[index].delivery.id)!;
      if (result.status === 'rejected') waiter.reject(result.reason);
      else if ('messageId' in result.value) sent.push(result.value);
      else waiter.resolve(result.value);
    });
    if (sent.length > 0) {
      try {
        await this.markSent(sent, claimed, now);
      } catch (error) {
        // The mails went out but are not marked: their claims run out and the sweeper sends them again.
        for (const mail of sent) waiters.get(mail.id)!.reject(error);
      }
    }
    // The rest (a promise settles once, so those settled above keep their outcome): not claimed, because another
    // worker has it, it is done, or it was deleted (the user was deleted, the invite revoked); or sent and marked.
    for (const waiter of waiters.values()) waiter.resolve(NOTHING_LEFT);
  }

  private async markSent(sent: SentMail[], claimed: ClaimedDelivery[], startedAt: Date): Promise<void> {
    const { marked, recordFailure } = await this.store.markSent(sent, startedAt, new Date());
    if (recordFailure) this.logger.warn(`${marked.size} sent attempts not recorded (${String(recordFailure)})`);
    const deliveries = new Map(claimed.map(({ delivery }) => [delivery.id, delivery]));
    for (const { id } of sent) {
      const delivery = deliveries.get(id)!;
      this.metrics.emailDelivered(delivery.kind, delivery.toAddress);
      // Only if this worker stalled past its claim and another claimed it too: that one may send again.
      if (!marked.has(id)) this.logger.warn(`delivery ${id}: sent, but its claim had expired meanwhile`);
    }
  }

  /**
   * Renders and sends one claimed delivery's mail: what to mark sent, or, when it is not sent, its outcome (those
   * ends, rare, are written here one by one).
   */
  private async send(claimed: ClaimedDelivery, now: Date): Promise<SentMail | DeliveryOutcome> {
    const { attempt, delivery, link, user } = claimed;
    const { id } = delivery;
    if (delivery.sealedToken === null) return NOTHING_LEFT;
    if (link.consumedAt !== null || link.expiresAt <= new Date()) {
      const lastError = 'The link expired or was used before delivery.';
      if (await this.finish(id, attempt, { status: 'failed', lastError })) {
        await this.record(id, attempt, now, 'failed', lastError);
      }
      this.metrics.emailAttemptFailed('link_unusable', delivery.toAddress, true);
      return NOTHING_LEFT;
    }
    try {
      const url = emailedMagicLinkUrl(this.options, this.sealer.open(delivery.sealedToken, id));
      const mail = await this.templates.render(delivery.templateId, {
        link: url,
        email: delivery.toAddress,
        expirationMinutes: Math.round((link.expiresAt.getTime() - link.createdAt.getTime()) / 60_000),
        locale: delivery.locale as EmailLocale,
        kind: delivery.kind,
        firstName: user.name?.first_name,
        lastName: user.name?.last_name,
      });
      const messageId = await this.transport.send({ ...mail, deliveryId: id, to: delivery.toAddress, link: url });
      return { id, attempt, messageId };
    } catch (error) {
      return this.failed(delivery, attempt, now, error);
    }
  }

  /**
   * Records how an attempt ended. Only a record: a failure to write it is logged, and changes nothing of the
   * delivery, whose own row already says what happened.
   */
  private async record(
    id: string,
    attempt: number,
    startedAt: Date,
    outcome: EmailDeliveryAttemptOutcome,
    error: string | null,
  ): Promise<void> {
    await this.store.recordAttempts([{ id, attempt, startedAt, outcome, error }]).catch((failure: unknown) => {
      this.logger.warn(`delivery ${id}: attempt ${attempt} not recorded (${String(failure)})`);
    });
  }

  /** Ends the claimed attempt; false when the claim was lost (fenced by the attempt number). */
  private finish(id: string, attempt: number, changes: AttemptEnd): Promise<boolean> {
    const final = changes.status === 'sent' || changes.status === 'failed';
    return this.store.endAttempt(id, attempt, { ...changes, leaseUntil: null, ...(final && { sealedToken: null }) });
  }

  private async failed(
    delivery: EmailDelivery,
    attempt: number,
    startedAt: Date,
    error: unknown,
  ): Promise<DeliveryOutcome> {
    const { id } = delivery;
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    const { attempts, baseDelayMs, maxDelayMs } = this.options.email.retry;
    // A retry by hand (the delivery administration API) gives the delivery the policy's attempts afresh.
    const spent = attempt - delivery.retriedAfterAttempts;
    if (spent >= attempts) {
      this.logger.error(`delivery ${id}: attempt ${spent} of ${attempts} failed, giving up: ${message}`);
      if (await this.finish(id, attempt, { status: 'failed', lastError: message })) {
        await this.record(id, attempt, startedAt, 'failed', message);
      }
      this.metrics.emailAttemptFailed(mailFailureClass(error), delivery.toAddress, true);
      return { retry: false };
    }
    const delayMs = Math.min(baseDelayMs * 2 ** (spent - 1), maxDelayMs);
    this.logger.warn(`delivery ${id}: attempt ${spent} failed (${message}); retrying in ${delayMs} ms`);
    const requeued = await this.finish(id, attempt, {
      status: 'queued',
      lastError: message,
      nextAttemptAt: new Date(Date.now() + delayMs),
    });
    this.metrics.emailAttemptFailed(mailFailureClass(error), delivery.toAddress, false);
    if (!requeued) return { retry: false };
    await this.record(id, attempt, startedAt, 'retrying', message);
    return { retry: true, attempt, delayMs };
  }
}
