import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { EntityRows } from '../database/entity-rows.js';
import { FixedStatement } from '../database/fixed-statement.js';
import { MagicLink } from '../magic-links/magic-link.entity.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { EmailLocale, ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { User } from '../users/user.entity.js';
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
  private readonly deliveryRows: EntityRows<EmailDelivery>;
  private readonly linkRows: EntityRows<MagicLink>;
  private readonly userRows: EntityRows<User>;
  /**
   * The claim, one statement: a queued delivery that is due, or a claimed one whose worker's claim ran out (that
   * worker died or hung), counting the attempt and returning its number.
   */
  private readonly claimStatement: FixedStatement;
  /** The delivery with its link and user, one statement (findOne with two relations takes two). */
  private readonly selectWithLink: FixedStatement;
  /** PostgreSQL: the claim returning the delivery with its link and user, one round trip instead of two. */
  private readonly claimWithLink: FixedStatement | undefined;
  /** The end of a successful attempt, the common case, as fixed SQL (the other ends go through the repository). */
  private readonly markSent: FixedStatement;

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    @InjectDataSource() dataSource: DataSource,
    @InjectRepository(EmailDelivery) private readonly deliveries: Repository<EmailDelivery>,
    private readonly templates: EmailTemplatesService,
    private readonly transport: MailTransportService,
    private readonly sealer: TokenSealer,
  ) {
    this.deliveryRows = new EntityRows(dataSource, EmailDelivery, 'd');
    this.linkRows = new EntityRows(dataSource, MagicLink, 'l');
    this.userRows = new EntityRows(dataSource, User, 'u');
    const claim =
      `UPDATE email_deliveries SET status = 'sending', lease_until = $1, attempts = attempts + 1 WHERE id = $2 AND ` +
      `((status = 'queued' AND next_attempt_at <= $3) OR (status = 'sending' AND lease_until <= $4))`;
    const withLink =
      `SELECT ${this.deliveryRows.select}, ${this.linkRows.select}, ${this.userRows.select} FROM email_deliveries d ` +
      'JOIN magic_links l ON l.id = d.magic_link_id JOIN users u ON u.id = d.user_id';
    this.claimStatement = new FixedStatement(dataSource, `${claim} RETURNING attempts`);
    this.selectWithLink = new FixedStatement(dataSource, `${withLink} WHERE d.id = $1`);
    // The link and user exist while the delivery does (foreign keys, deleted with it), so the joins find them.
    this.claimWithLink =
      dataSource.options.type === 'postgres'
        ? new FixedStatement(
            dataSource,
            `WITH claimed AS (${claim} RETURNING *) ${withLink.replace(/FROM email_deliveries d/, 'FROM claimed d')}`,
          )
        : undefined;
    this.markSent = new FixedStatement(
      dataSource,
      `UPDATE email_deliveries SET status = 'sent', sent_at = $1, message_id = $2, last_error = NULL, ` +
        `lease_until = NULL, sealed_token = NULL WHERE id = $3 AND status = 'sending' AND attempts = $4`,
    );
  }

  async deliver(id: string): Promise<DeliveryOutcome> {
    const claimed = await this.claim(id);
    // Another worker has it, it is done, or it was deleted (the user was deleted, the invite revoked).
    if (!claimed) return { retry: false };
    const { attempt, row } = claimed;
    const delivery = this.deliveryRows.read(row)!;
    if (delivery.sealedToken === null) return { retry: false };
    const link = this.linkRows.read(row)!;
    const user = this.userRows.read(row)!;
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
        firstName: user.name?.first_name,
        lastName: user.name?.last_name,
      });
      messageId = await this.transport.send({ ...mail, deliveryId: id, to: delivery.toAddress, link: url });
    } catch (error) {
      return this.failed(id, attempt, error);
    }
    const marked = (await this.markSent.run([new Date(), messageId, id, attempt])).affected === 1;
    // Only if this worker stalled past its claim and another claimed it too: that one may send again.
    if (!marked) this.logger.warn(`delivery ${id}: sent, but its claim had expired meanwhile`);
    return { retry: false };
  }

  /**
   * Claims the delivery for one attempt; returns the attempt's number and the delivery with its link and user, or
   * undefined when another worker has it, it is done or it is gone.
   */
  private async claim(id: string): Promise<{ attempt: number; row: Record<string, unknown> } | undefined> {
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + this.options.email.leaseMs);
    if (this.claimWithLink) {
      const { records } = await this.claimWithLink.run([leaseUntil, id, now, now]);
      const row = records[0] as Record<string, unknown> | undefined;
      return row && { attempt: Number(row.d_attempts), row };
    }
    const { records } = await this.claimStatement.run([leaseUntil, id, now, now]);
    if (records.length !== 1) return undefined;
    const attempt = Number((records[0] as { attempts: number | string }).attempts);
    const row = (await this.selectWithLink.run([id])).records[0] as Record<string, unknown> | undefined;
    return row && { attempt, row };
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
