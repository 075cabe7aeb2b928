import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThanOrEqual, Repository } from 'typeorm';
import { InjectMagicLinksOptions } from '../magic-links.module-definition.js';
import type { EmailLocale, ResolvedMagicLinksOptions } from '../magic-links.options.js';
import { EmailDelivery } from './email-delivery.entity.js';
import { EmailTemplatesService } from './email-templates.service.js';
import { emailedMagicLinkUrl } from './magic-link-url.js';
import { MailTransportService } from './mail-transport.service.js';
import { TokenSealer } from './token-sealer.js';

type DeliveryChanges = Partial<Pick<EmailDelivery, 'status' | 'sentAt' | 'messageId' | 'lastError' | 'nextAttemptAt'>>;

/** What a delivery attempt left to do: nothing, or another attempt (the `attempt`-th) after `delayMs`. */
export type DeliveryOutcome = { retry: false } | { retry: true; attempt: number; delayMs: number };

/**
 * Sends one delivery record's mail, at most one worker at a time: a worker first claims the record (a conditional
 * write that also counts the attempt), sends, then marks it sent under the same claim. Jobs may run twice (a queue
 * is at-least-once); the claim makes the second run a no-op.
 */
@Injectable()
export class EmailDeliveryService {
  private readonly logger = new Logger('EmailDelivery');

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    @InjectRepository(EmailDelivery) private readonly deliveries: Repository<EmailDelivery>,
    private readonly templates: EmailTemplatesService,
    private readonly transport: MailTransportService,
    private readonly sealer: TokenSealer,
  ) {}

  async deliver(id: string): Promise<DeliveryOutcome> {
    const attempt = await this.claim(id);
    if (attempt === undefined) return { retry: false };
    const delivery = await this.deliveries.findOne({
      where: { id },
      relations: { magicLink: true, user: true },
    });
    // Deleted meanwhile (the user was deleted, the invite revoked): nothing to send.
    if (!delivery || delivery.sealedToken === null) return { retry: false };
    const link = delivery.magicLink;
    if (link.consumedAt !== null || link.expiresAt <= new Date()) {
      await this.finish(id, attempt, { status: 'failed', lastError: 'The link expired or was used before delivery.' });
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
        firstName: delivery.user.name?.first_name,
        lastName: delivery.user.name?.last_name,
      });
      messageId = await this.transport.send({ ...mail, deliveryId: id, to: delivery.toAddress, link: url });
    } catch (error) {
      return this.failed(id, attempt, error);
    }
    const marked = await this.finish(id, attempt, {
      status: 'sent',
      sentAt: new Date(),
      messageId,
      lastError: null,
    });
    // Only if this worker stalled past its claim and another claimed it too: that one may send again.
    if (!marked) this.logger.warn(`delivery ${id}: sent, but its claim had expired meanwhile`);
    return { retry: false };
  }

  /**
   * Claims the delivery for one attempt: a queued one that is due, or one whose previous worker's claim ran out
   * (that worker died or hung). Returns the attempt's number, or undefined when another worker has it or it is done.
   */
  private async claim(id: string): Promise<number | undefined> {
    const now = new Date();
    const claim = {
      status: 'sending' as const,
      leaseUntil: new Date(now.getTime() + this.options.email.leaseMs),
      attempts: () => 'attempts + 1',
    };
    let result = await this.deliveries.update({ id, status: 'queued', nextAttemptAt: LessThanOrEqual(now) }, claim);
    if (result.affected !== 1) {
      result = await this.deliveries.update({ id, status: 'sending', leaseUntil: LessThanOrEqual(now) }, claim);
    }
    if (result.affected !== 1) return undefined;
    const claimed = await this.deliveries.findOne({ where: { id }, select: { id: true, attempts: true } });
    return claimed?.attempts;
  }

  /** Ends the claimed attempt; false when the claim was lost (fenced by the attempt number). */
  private async finish(id: string, attempt: number, changes: DeliveryChanges): Promise<boolean> {
    const final = changes.status === 'sent' || changes.status === 'failed';
    const result = await this.deliveries.update(
      { id, status: 'sending', attempts: attempt },
      { ...changes, leaseUntil: null, ...(final && { sealedToken: null }) },
    );
    return result.affected === 1;
  }

  private async failed(id: string, attempt: number, error: unknown): Promise<DeliveryOutcome> {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    const { attempts, baseDelayMs, maxDelayMs } = this.options.email.retry;
    if (attempt >= attempts) {
      this.logger.error(`delivery ${id}: attempt ${attempt} of ${attempts} failed, giving up: ${message}`);
      await this.finish(id, attempt, { status: 'failed', lastError: message });
      return { retry: false };
    }
    const delayMs = Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs);
    this.logger.warn(`delivery ${id}: attempt ${attempt} failed (${message}); retrying in ${delayMs} ms`);
    const requeued = await this.finish(id, attempt, {
      status: 'queued',
      lastError: message,
      nextAttemptAt: new Date(Date.now() + delayMs),
    });
    return requeued ? { retry: true, attempt, delayMs } : { retry: false };
  }
}
