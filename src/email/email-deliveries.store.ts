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

/** `$from, $from+1, …`, `count` placeholders. */
function placeholders(from: number, count: number): string {
  return Array.from({ length: count }, (_, index) => `$${from + index}`).join(', ');
}

/** A sent mail to mark: its delivery, the claim's attempt number, and the Message-ID it went out with. */
export interface SentMail {
  id: string;
  attempt: number;
  messageId: string;
}

/** How an attempt ended, for the delivery administration API. */
export interface AttemptRecord {
  id: string;
  attempt: number;
  startedAt: Date;
  outcome: EmailDeliveryAttemptOutcome;
  error: string | null;
}

/**
 * The delivery records' reads and writes once a request has written them: the claim, the ends of an attempt, both
 * fenced by the attempt number, and the search for overdue ones. The hot statements are fixed SQL, and each handles
 * a batch of deliveries, so that a worker waits for the database once per batch rather than once per mail: under
 * load the requests' statements are queued for the same connections.
 */
@Injectable()
export class EmailDeliveriesStore {
  private readonly deliveryRows: EntityRows<EmailDelivery>;
  private readonly linkRows: EntityRows<MagicLink>;
  private readonly userRows: EntityRows<User>;
  private readonly postgres: boolean;
  /** The batch statements, by batch size (SQL has a placeholder per value). */
  private readonly statements = new Map<string, FixedStatement>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(EmailDelivery) private readonly deliveries: Repository<EmailDelivery>,
  ) {
    this.deliveryRows = new EntityRows(dataSource, EmailDelivery, 'd');
    this.linkRows = new EntityRows(dataSource, MagicLink, 'l');
    this.userRows = new EntityRows(dataSource, User, 'u');
    this.postgres = dataSource.options.type === 'postgres';
  }

  private statement(kind: string, size: number, sql: () => string): FixedStatement {
    const key = `${kind}:${size}`;
    let statement = this.statements.get(key);
    if (!statement) this.statements.set(key, (statement = new FixedStatement(this.dataSource, sql())));
    return statement;
  }

  /**
   * Claims each of the deliveries until `leaseUntil` if it is queued and due at `now`, or claimed by a worker whose
   * claim ran out (that worker died or hung), counting the attempt: one conditional write, so one winner among
   * workers. Returns the claimed ones, with what their mail needs; the others another worker has, are done or gone.
   */
  async claimMany(ids: string[], now: Date, leaseUntil: Date): Promise<ClaimedDelivery[]> {
    const claim = (from: number) =>
      `UPDATE email_deliveries SET status = 'sending', lease_until = $1, attempts = attempts + 1 WHERE ` +
      `((status = 'queued' AND next_attempt_at <= $2) OR (status = 'sending' AND lease_until <= $3)) AND ` +
      `id IN (${placeholders(from, ids.length)})`;
    const withLink = (from: string) =>
      `SELECT ${this.deliveryRows.select}, ${this.linkRows.select}, ${this.userRows.select} FROM ${from} d ` +
      'JOIN magic_links l ON l.id = d.magic_link_id JOIN users u ON u.id = d.user_id';
    let rows: Record<string, unknown>[];
    if (this.postgres) {
      // One round trip: the claim returns the deliveries with their link and user (which exist while the delivery
      // does: foreign keys, deleted with it).
      const statement = this.statement(
        'claim',
        ids.length,
        () => `WITH claimed AS (${claim(4)} RETURNING *) ${withLink('claimed')}`,
      );
      rows = (await statement.run([leaseUntil, now, now, ...ids])).records as typeof rows;
    } else {
      const claimed = (
        await this.statement('claim', ids.length, () => `${claim(4)} RETURNING id`).run([leaseUntil, now, now, ...ids])
      ).records as { id: string }[];
      if (claimed.length === 0) return [];
      rows = (
        await this.statement(
          'select',
          claimed.length,
          () => `${withLink('email_deliveries')} WHERE d.id IN (${placeholders(1, claimed.length)})`,
        ).run(claimed.map((row) => row.id))
      ).records as typeof rows;
    }
    return rows.map((row) => {
      const delivery = this.deliveryRows.read(row)!;
      return { attempt: delivery.attempts, delivery, link: this.linkRows.read(row)!, user: this.userRows.read(row)! };
    });
  }

  /**
   * Marks the claimed attempts sent, erasing their sealed tokens, and records them as sent attempts for the delivery
   * administration API: one statement on PostgreSQL, the record after the mark on SQLite (where a statement costs no
   * round trip). Returns the ids marked (a delivery whose claim was lost is neither marked nor recorded here: the
   * worker that claimed it since records its own attempt), and why the record failed if it did: only a record, it
   * changes nothing of the deliveries, whose rows say what happened.
   */
  async markSent(
    mails: SentMail[],
    startedAt: Date,
    sentAt: Date,
  ): Promise<{ marked: Set<string>; recordFailure?: unknown }> {
    const sent = (from: number) =>
      'sent (id, attempts, message_id) AS (VALUES ' +
      mails
        .map(
          (_, index) => `($${from + index * 3}, CAST($${from + index * 3 + 1} AS integer), $${from + index * 3 + 2})`,
        )
        .join(', ') +
      ')';
    const mark = (at: string) =>
      `UPDATE email_deliveries SET status = 'sent', sent_at = ${at}, ` +
      'message_id = (SELECT sent.message_id FROM sent WHERE sent.id = email_deliveries.id), last_error = NULL, ' +
      `lease_until = NULL, sealed_token = NULL WHERE status = 'sending' AND ` +
      '(id, attempts) IN (SELECT sent.id, sent.attempts FROM sent) RETURNING id';
    const values = mails.flatMap((mail) => [mail.id, mail.attempt, mail.messageId]);
    const last = mails.length * 3;
    if (this.postgres) {
      const statement = this.statement(
        'sent',
        mails.length,
        () =>
          `WITH ${sent(1)}, marked AS (${mark(`$${last + 1}`)}), recorded AS (` +
          'INSERT INTO email_delivery_attempts (delivery_id, attempt, started_at, ended_at, outcome, error) ' +
          `SELECT sent.id, sent.attempts, CAST($${last + 2} AS timestamptz), CAST($${last + 3} AS timestamptz), 'sent', NULL ` +
          'FROM sent JOIN marked ON marked.id = sent.id) ' +
          'SELECT id FROM marked',
      );
      const { records } = await statement.run([...values, sentAt, startedAt, sentAt]);
      return { marked: new Set((records as { id: string }[]).map((row) => row.id)) };
    }
    const statement = this.statement('sent', mails.length, () => `WITH ${sent(1)} ${mark(`$${last + 1}`)}`);
    const { records } = await statement.run([...values, sentAt]);
    const marked = new Set((records as { id: string }[]).map((row) => row.id));
    const recorded = mails.filter((mail) => marked.has(mail.id));
    if (recorded.length === 0) return { marked };
    try {
      await this.recordAttempts(
        recorded.map(({ id, attempt }) => ({ id, attempt, startedAt, outcome: 'sent', error: null })),
      );
      return { marked };
    } catch (recordFailure) {
      return { marked, recordFailure };
    }
  }

  /** Ends the claimed attempt otherwise; false when the claim was lost. */
  async endAttempt(id: string, attempt: number, changes: AttemptEnd): Promise<boolean> {
    const result = await this.deliveries.update({ id, status: 'sending', attempts: attempt }, changes);
    return result.affected === 1;
  }

  /** Records how attempts ended, for the delivery administration API, in one statement. */
  async recordAttempts(records: AttemptRecord[]): Promise<void> {
    const statement = this.statement('attempts', records.length, () => {
      const values = records.map((_, index) => `(${placeholders(index * 6 + 1, 6)})`);
      return (
        'INSERT INTO email_delivery_attempts (delivery_id, attempt, started_at, ended_at, outcome, error) ' +
        `VALUES ${values.join(', ')}`
      );
    });
    const endedAt = new Date();
    await statement.run(
      records.flatMap((record) => [record.id, record.attempt, record.startedAt, endedAt, record.outcome, record.error]),
    );
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
