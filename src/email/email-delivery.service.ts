import { Injectable, Logger } from '@nestjs/common';
import pLimit, { type LimitFunction } from 'p-limit';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { EmailLocale, ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { EmailDeliveriesStore, type AttemptEnd } from './email-deliveries.store.js';
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
      await this.finish(id, attempt, { status: 'failed', lastError: 'The link expired or was used before delivery.' });
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
      return this.failed(id, attempt, error, delivery.toAddress);
    }
    const marked = await this.store.markSent(id, attempt, new Date(), messageId);
    this.metrics.emailDelivered(delivery.kind, delivery.toAddress);
    // Only if this worker stalled past its claim and another claimed it too: that one may send again.
    if (!marked) this.logger.warn(`delivery ${id}: sent, but its claim had expired meanwhile`);
    return { retry: false };
  }

  /** Ends the claimed attempt; false when the claim was lost (fenced by the attempt number). */
  private finish(id: string, attempt: number, changes: AttemptEnd): Promise<boolean> {
    const final = changes.status === 'sent' || changes.status === 'failed';
    return this.store.endAttempt(id, attempt, { ...changes, leaseUntil: null, ...(final && { sealedToken: null }) });
  }

  private async failed(id: string, attempt: number, error: unknown, address: string): Promise<DeliveryOutcome> {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    const { attempts, baseDelayMs, maxDelayMs } = this.options.email.retry;
    if (attempt >= attempts) {
      this.logger.error(`delivery ${id}: attempt ${attempt} of ${attempts} failed, giving up: ${message}`);
      await this.finish(id, attempt, { status: 'failed', lastError: message });
      this.metrics.emailAttemptFailed(mailFailureClass(error), address, true);
      return { retry: false };
    }
    const delayMs = Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs);
    this.logger.warn(`delivery ${id}: attempt ${attempt} failed (${message}); retrying in ${delayMs} ms`);
    const requeued = await this.finish(id, attempt, {
      status: 'queued',
      lastError: message,
      nextAttemptAt: new Date(Date.now() + delayMs),
    });
    this.metrics.emailAttemptFailed(mailFailureClass(error), address, false);
    return requeued ? { retry: true, attempt, delayMs } : { retry: false };
  }
}
