import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, LessThanOrEqual, Repository } from 'typeorm';
import { EntityRows } from '../database/entity-rows.js';
import { FixedStatement } from '../database/fixed-statement.js';
import { MagicLink } from '../magic-links/magic-link.entity.js';
import { User } from '../users/user.entity.js';
import type { EmailDeliveryAttemptOutcome } from './email-delivery-attempt.entity.js';
import { EmailDelivery } from './email-delivery.entity.js';

/** A delivery claimed for one attempt, with what its mail needs. */
export interface ClaimedDelivery {
  /** The attempt's number: the claim's fencing number, which every write ending the attempt must name. */
  attempt: number;
  delivery: EmailDelivery;
  link: MagicLink;
  user: User;
}

export type AttemptEnd = Partial<
  Pick<EmailDelivery, 'status' | 'sentAt' | 'messageId' | 'lastError' | 'nextAttemptAt' | 'leaseUntil' | 'sealedToken'>
>;

/**
 * The delivery records' reads and writes once a request has written them: the claim, the ends of an attempt, both
 * fenced by the attempt number, and the search for overdue ones. Hot statements are fixed SQL.
 */
@Injectable()
export class EmailDeliveriesStore {
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
  private readonly markSentStatement: FixedStatement;
  private readonly insertAttempt: FixedStatement;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @InjectRepository(EmailDelivery) private readonly deliveries: Repository<EmailDelivery>,
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
    this.markSentStatement = new FixedStatement(
      dataSource,
      `UPDATE email_deliveries SET status = 'sent', sent_at = $1, message_id = $2, last_error = NULL, ` +
        `lease_until = NULL, sealed_token = NULL WHERE id = $3 AND status = 'sending' AND attempts = $4`,
    );
    this.insertAttempt = new FixedStatement(
      dataSource,
      'INSERT INTO email_delivery_attempts (delivery_id, attempt, started_at, ended_at, outcome, error) ' +
        'VALUES ($1, $2, $3, $4, $5, $6)',
    );
  }

  /**
   * Claims the delivery until `leaseUntil` if it is queued and due at `now`, or claimed by a worker whose claim ran
   * out; undefined when another worker has it, it is done or it is gone.
   */
  async claim(id: string, now: Date, leaseUntil: Date): Promise<ClaimedDelivery | undefined> {
    let attempt: number;
    let row: Record<string, unknown> | undefined;
    if (this.claimWithLink) {
      row = (await this.claimWithLink.run([leaseUntil, id, now, now])).records[0] as typeof row;
      if (!row) return undefined;
      attempt = Number(row.d_attempts);
    } else {
      const { records } = await this.claimStatement.run([leaseUntil, id, now, now]);
      if (records.length !== 1) return undefined;
      attempt = Number((records[0] as { attempts: number | string }).attempts);
      row = (await this.selectWithLink.run([id])).records[0] as typeof row;
      if (!row) return undefined;
    }
    return {
      attempt,
      delivery: this.deliveryRows.read(row)!,
      link: this.linkRows.read(row)!,
      user: this.userRows.read(row)!,
    };
  }

  /** Marks the claimed attempt sent and erases the sealed token; false when the claim was lost. */
  async markSent(id: string, attempt: number, sentAt: Date, messageId: string): Promise<boolean> {
    return (await this.markSentStatement.run([sentAt, messageId, id, attempt])).affected === 1;
  }

  /** Ends the claimed attempt otherwise; false when the claim was lost. */
  async endAttempt(id: string, attempt: number, changes: AttemptEnd): Promise<boolean> {
    const result = await this.deliveries.update({ id, status: 'sending', attempts: attempt }, changes);
    return result.affected === 1;
  }

  /** Records how attempt `attempt` of the delivery ended, for the delivery administration API. */
  async recordAttempt(
    id: string,
    attempt: number,
    startedAt: Date,
    outcome: EmailDeliveryAttemptOutcome,
    error: string | null,
  ): Promise<void> {
    await this.insertAttempt.run([id, attempt, startedAt, new Date(), outcome, error]);
  }

  /**
   * Up to `limit` deliveries a lost job would leave behind, oldest first: queued ones due at `dueBy` or earlier,
   * and claimed ones whose claim ran out by `now`.
   */
  async overdue(dueBy: Date, now: Date, limit: number): Promise<string[]> {
    const found = await this.deliveries.find({
      select: { id: true },
      where: [
        { status: 'queued', nextAttemptAt: LessThanOrEqual(dueBy) },
        { status: 'sending', leaseUntil: LessThanOrEqual(now) },
      ],
      order: { nextAttemptAt: 'ASC' },
      take: limit,
    });
    return found.map((delivery) => delivery.id);
  }
}
