import { Injectable, Logger } from '@nestjs/common';
import pLimit, { type LimitFunction } from 'p-limit';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { EmailLocale, ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { EmailDeliveriesStore, type AttemptEnd } from './email-deliveries.store.js';
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

/**
 * Sends one delivery record's mail, at most one worker at a time: a worker first claims the record (a conditional
 * write that also counts the attempt), sends, then marks it sent under the same claim. Jobs may run twice (a queue
 * is at-least-once); the claim makes the second run a no-op. At most `email.concurrency` attempts run at once in a
 * process, the queue's and the sweeper's together, so that a crash between SMTP's answer and the `sent` mark can
 * duplicate no more mails than that.
 */
@Injectable()
export class EmailDeliveryService {
  private readonly logger = new Logger('EmailDelivery');
  private readonly slots: LimitFunction;

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    private readonly store: EmailDeliveriesStore,
    private readonly templates: EmailTemplatesService,
    private readonly transport: MailTransportService,
    private readonly sealer: TokenSealer,
    private readonly metrics: MagicLinksMetrics,
  ) {
    this.slots = pLimit(options.email.concurrency);
  }

  deliver(id: string): Promise<DeliveryOutcome> {
    return this.slots(() => this.attempt(id));
  }

  private async attempt(id: string): Promise<DeliveryOutcome> {
    const now = new Date();
    const claimed = await this.store.claim(id, now, new Date(now.getTime() + this.options.email.leaseMs));
    // Another worker has it, it is done, or it was deleted (the user was deleted, the invite revoked).
    if (!claimed) return { retry: false };
    const { attempt, delivery, link, user } = claimed;
    if (delivery.sealedToken === null) return { retry: false };
    if (link.consumedAt !== null || link.expiresAt <= new Date()) {
      const lastError = 'The link expired or was used before delivery.';
      if (await this.finish(id, attempt, { status: 'failed', lastError })) {
        await this.record(id, attempt, now, 'failed', lastError);
      }
      this.metrics.emailAttemptFailed('link_unusable', delivery.toAddress, true);
      return { retry: false };
    }
    let messageId: string;
    try {
      const url = emailedMagicLinkUrl(this.options, this.sealer.open(delivery.sealedToken, id));
      const mail = this.templates.render(delivery.templateId, {
        link: url,
        email: delivery.toAddress,
        expirationMinutes: Math.round((link.expiresAt.getTime() - link.createdAt.getTime()) / 60_000),
        locale: delivery.locale as EmailLocale,
        kind: delivery.kind,
        firstName: user.name?.first_name,
        lastName: user.name?.last_name,
      });
      messageId = await this.transport.send({ ...mail, deliveryId: id, to: delivery.toAddress, link: url });
    } catch (error) {
      return this.failed(delivery, attempt, now, error);
    }
    const marked = await this.store.markSent(id, attempt, new Date(), messageId);
    this.metrics.emailDelivered(delivery.kind, delivery.toAddress);
    // Only if this worker stalled past its claim and another claimed it too: that one may send again.
    if (!marked) this.logger.warn(`delivery ${id}: sent, but its claim had expired meanwhile`);
    await this.record(id, attempt, now, 'sent', null);
    return { retry: false };
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
    await this.store.recordAttempt(id, attempt, startedAt, outcome, error).catch((failure: unknown) => {
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
