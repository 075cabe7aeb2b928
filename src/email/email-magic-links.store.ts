import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EntityRows } from '../database/entity-rows.js';
import { FixedStatement } from '../database/fixed-statement.js';
import { TransactionsService } from '../database/transactions.service.js';
import type { MagicLink } from '../magic-links/magic-link.entity.js';
import { UserEmail } from '../users/user-email.entity.js';
import { User } from '../users/user.entity.js';
import type { EmailDelivery } from './email-delivery.entity.js';

/** A link an email request creates (not yet consumed). */
export type NewEmailedLink = Pick<
  MagicLink,
  | 'id'
  | 'tokenHash'
  | 'userId'
  | 'emailId'
  | 'type'
  | 'redirectUrl'
  | 'locale'
  | 'codeChallenge'
  | 'ipAddress'
  | 'userAgent'
  | 'createdAt'
  | 'expiresAt'
>;

/** Its delivery record (queued, no attempt yet). */
export type NewDelivery = Pick<
  EmailDelivery,
  | 'id'
  | 'magicLinkId'
  | 'userId'
  | 'toAddress'
  | 'kind'
  | 'locale'
  | 'templateId'
  | 'sealedToken'
  | 'nextAttemptAt'
  | 'createdAt'
>;

const LINK_COLUMNS =
  'id, token_hash, user_id, email_id, type, redirect_url, locale, code_challenge, ip_address, user_agent, ' +
  'created_at, expires_at, consumed_at';
const LINK_VALUES = '$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL';
const DELIVERY_COLUMNS =
  'id, magic_link_id, user_id, to_address, kind, locale, template_id, sealed_token, next_attempt_at, created_at, ' +
  'status, attempts, last_error, lease_until, sent_at, message_id';
const DELIVERY_VALUES = `$13, $14, $15, $16, $17, $18, $19, $20, $21, $22, 'queued', 0, NULL, NULL, NULL, NULL`;

/** What an email request reads and writes on its hot path, as fixed SQL: the email's user, the link and delivery. */
@Injectable()
export class EmailMagicLinksStore {
  private readonly emailRows: EntityRows<UserEmail>;
  private readonly userRows: EntityRows<User>;
  private readonly selectEmail: FixedStatement;
  private readonly insertLink: FixedStatement;
  private readonly insertDelivery: FixedStatement;
  /**
   * PostgreSQL only: the link and its delivery in one statement, atomic without a transaction's BEGIN and COMMIT
   * (two round trips of four). SQLite has no INSERT in a WITH; there both run synchronously in one transaction.
   */
  private readonly insertLinkAndDelivery: FixedStatement | undefined;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly transactions: TransactionsService,
  ) {
    this.emailRows = new EntityRows(dataSource, UserEmail, 'e');
    this.userRows = new EntityRows(dataSource, User, 'u');
    this.selectEmail = new FixedStatement(
      dataSource,
      `SELECT ${this.emailRows.select}, ${this.userRows.select} FROM user_emails e JOIN users u ON u.id = e.user_id ` +
        'WHERE e.email_normalized = $1',
    );
    const link = `INSERT INTO magic_links (${LINK_COLUMNS}) VALUES (${LINK_VALUES})`;
    const delivery = `INSERT INTO email_deliveries (${DELIVERY_COLUMNS}) VALUES (${DELIVERY_VALUES})`;
    this.insertLink = new FixedStatement(dataSource, link);
    this.insertDelivery = new FixedStatement(
      dataSource,
      delivery.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) - 12}`),
    );
    this.insertLinkAndDelivery =
      dataSource.options.type === 'postgres'
        ? new FixedStatement(dataSource, `WITH link AS (${link}) ${delivery}`)
        : undefined;
  }

  /** The email with its user, in one statement (a repository's findOne with a relation takes two). */
  async findEmail(normalized: string): Promise<(UserEmail & { user: User }) | null> {
    const { records } = await this.selectEmail.run([normalized]);
    if (records.length === 0) return null;
    const row = records[0] as Record<string, unknown>;
    const email = this.emailRows.read(row)!;
    email.user = this.userRows.read(row)!;
    return email as UserEmail & { user: User };
  }

  /** Writes the link and its delivery, both or neither: in `manager`'s transaction when given. */
  async insert(link: NewEmailedLink, delivery: NewDelivery, manager?: EntityManager): Promise<void> {
    const linkValues = [
      link.id,
      link.tokenHash,
      link.userId,
      link.emailId,
      link.type,
      link.redirectUrl,
      link.locale,
      link.codeChallenge,
      link.ipAddress,
      link.userAgent,
      link.createdAt,
      link.expiresAt,
    ];
    const deliveryValues = [
      delivery.id,
      delivery.magicLinkId,
      delivery.userId,
      delivery.toAddress,
      delivery.kind,
      delivery.locale,
      delivery.templateId,
      delivery.sealedToken,
      delivery.nextAttemptAt,
      delivery.createdAt,
    ];
    if (!manager && this.insertLinkAndDelivery) {
      await this.insertLinkAndDelivery.run([...linkValues, ...deliveryValues]);
    } else if (!manager) {
      // SQLite: synchronous, so it makes no turn for the connection that other statements (the deliveries') would
      // wait behind.
      await this.transactions.runNow(() => {
        this.insertLink.runNow(linkValues);
        this.insertDelivery.runNow(deliveryValues);
      });
    } else {
      await this.insertLink.run(linkValues, manager);
      await this.insertDelivery.run(deliveryValues, manager);
    }
  }
}
