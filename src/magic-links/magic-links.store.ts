import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EntityRows } from '../database/entity-rows.js';
import { FixedStatement } from '../database/fixed-statement.js';
import { isForeignKeyViolation } from '../database/foreign-key-violation.js';
import { TransactionsService } from '../database/transactions.service.js';
import type { SessionStart } from '../sessions/sessions.service.js';
import { rfc3339 } from '../users/user.presenter.js';
import { UserEmail } from '../users/user-email.entity.js';
import { User } from '../users/user.entity.js';
import { MagicLink } from './magic-link.entity.js';

/** An embeddable link as stored; its user is named by id or by external id. */
export interface NewEmbeddableLink {
  id: string;
  tokenHash: string;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Date;
  expiresAt: Date;
  user: { id: string } | { externalId: string };
}

/**
 * What a link must satisfy to be consumed: unused and unexpired, plus the checks a request asks for. A property left
 * undefined is not checked; a required attribute given as null matches nothing, so its check fails.
 */
export interface ConsumeConditions {
  tokenHash: string;
  now: Date;
  /** The challenge the link must carry, or null for a link without one. */
  codeChallenge: string | null;
  ipAddress?: string | null;
  userAgent?: string | null;
  /** Only when consuming is all there is to do: the user is not pending and the link's email, if any, is verified. */
  alone?: boolean;
}

const EMBEDDABLE_COLUMNS =
  'id, token_hash, ip_address, user_agent, created_at, expires_at, user_id, ' +
  'email_id, type, redirect_url, locale, code_challenge, consumed_at';
const EMBEDDABLE_CONSTANTS = `NULL, 'embedded', NULL, NULL, NULL, NULL`;
/** A link `l` with its user `u` and the user's emails `e`, one row per email. */
const WITH_USER_JOINS = 'JOIN users u ON u.id = l.user_id LEFT JOIN user_emails e ON e.user_id = u.id';
const SESSION_COLUMNS =
  'id, user_id, token_hash, version, started_at, last_accessed_at, expires_at, ip_address, user_agent, ' +
  'authentication_factors, custom_claims';

/**
 * The statements of the magic-link hot paths, hand-written (see `FixedStatement`) with their PostgreSQL and SQLite
 * forms. The business rules (which checks a request asks for, which error answers) stay in `MagicLinksService`.
 */
@Injectable()
export class MagicLinksStore {
  private readonly sqlite: boolean;
  private readonly insertForUserId: FixedStatement;
  private readonly insertForExternalId: FixedStatement;
  private readonly linkRows: EntityRows<MagicLink>;
  private readonly userRows: EntityRows<User>;
  private readonly emailRows: EntityRows<UserEmail>;
  /** Every column of a link `l`, its user `u` and an email `e`, for `WITH_USER_JOINS`. */
  private readonly withUserColumns: string;
  private readonly selectWithUser: FixedStatement;
  private readonly expirePending: FixedStatement;
  /** SQLite: a new session's user drops its expired sessions, as `SessionsStore.insert` does. */
  private readonly deleteExpiredSessions: FixedStatement;
  /** The consuming UPDATEs, one per combination of checks, built once each. */
  private readonly consumeStatements = new Map<string, FixedStatement>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionsService,
  ) {
    this.sqlite = dataSource.options.type === 'better-sqlite3';
    this.insertForUserId = new FixedStatement(
      dataSource,
      `INSERT INTO magic_links (${EMBEDDABLE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, ${EMBEDDABLE_CONSTANTS})`,
    );
    this.insertForExternalId = new FixedStatement(
      dataSource,
      `INSERT INTO magic_links (${EMBEDDABLE_COLUMNS}) ` +
        `SELECT $1, $2, $3, $4, $5, $6, users.id, ${EMBEDDABLE_CONSTANTS} FROM users WHERE users.external_id = $7 ` +
        'RETURNING user_id',
    );
    this.linkRows = new EntityRows(dataSource, MagicLink, 'l');
    this.userRows = new EntityRows(dataSource, User, 'u');
    this.emailRows = new EntityRows(dataSource, UserEmail, 'e');
    this.withUserColumns = `${this.linkRows.select}, ${this.userRows.select}, ${this.emailRows.select}`;
    this.selectWithUser = new FixedStatement(
      dataSource,
      `SELECT ${this.withUserColumns} FROM magic_links l ${WITH_USER_JOINS} WHERE l.token_hash = $1`,
    );
    // By user first: magic_links is indexed by user_id, not by email_id.
    this.expirePending = new FixedStatement(
      dataSource,
      'UPDATE magic_links SET expires_at = $1 WHERE user_id = $2 AND email_id = $3 AND consumed_at IS NULL ' +
        'AND expires_at > $4',
    );
    this.deleteExpiredSessions = new FixedStatement(
      dataSource,
      'DELETE FROM sessions WHERE user_id = (SELECT user_id FROM magic_links WHERE token_hash = $1) AND expires_at <= $2',
    );
  }

  /**
   * Stores an embeddable link in one statement, no lookup first: for a user id the foreign key refuses an unknown
   * user, and an external id is resolved inside the INSERT. The user's id, or undefined when there is no such user.
   */
  async insertEmbeddable(link: NewEmbeddableLink): Promise<string | undefined> {
    const values = [link.id, link.tokenHash, link.ipAddress, link.userAgent, link.createdAt, link.expiresAt];
    if ('externalId' in link.user) {
      const { records } = await this.insertForExternalId.run([...values, link.user.externalId]);
      return records.length === 0 ? undefined : (records[0] as { user_id: string }).user_id;
    }
    try {
      await this.insertForUserId.run([...values, link.user.id]);
    } catch (error) {
      if (isForeignKeyViolation(error)) return undefined;
      throw error;
    }
    return link.user.id;
  }

  /**
   * Consumes the link if `conditions` hold and returns it with its user, or undefined when nothing was consumed. On
   * PostgreSQL the write and the read are one statement, one round trip; on SQLite, one synchronous transaction
   * (`TransactionsService.runNow`), which takes no turn and no await.
   */
  async consumeWithUser(conditions: ConsumeConditions): Promise<MagicLink | undefined> {
    const { sql, parameters } = consumeUpdate(conditions);
    if (!this.sqlite) {
      const consumed = `WITH l AS (${sql} RETURNING *) SELECT ${this.withUserColumns} FROM l ${WITH_USER_JOINS}`;
      const { records } = await this.statement(consumed).run(parameters);
      return records.length === 0 ? undefined : this.linkWithUser(records);
    }
    return this.transactions.runNow(() =>
      this.statement(sql).runNow(parameters) === 1
        ? this.linkWithUser(this.selectWithUser.allNow([conditions.tokenHash]))
        : undefined,
    );
  }

  /**
   * Consumes the link if `conditions` hold and starts `session` for its user, authenticated by the link: both or
   * neither. The link with its user, or undefined when nothing was consumed. On PostgreSQL it is one statement, one
   * round trip; SQLite has no writes in a WITH, so there it is one short synchronous transaction of fixed statements.
   */
  async consumeStartingSession(
    conditions: ConsumeConditions,
    session: SessionStart['row'],
  ): Promise<MagicLink | undefined> {
    const { sql, parameters } = consumeUpdate(conditions);
    const bind = (value: unknown) => `$${parameters.push(value)}`;
    if (!this.sqlite) {
      const consumed =
        `WITH l AS (${sql} RETURNING *), ` +
        `d AS (DELETE FROM sessions WHERE user_id IN (SELECT user_id FROM l) ` +
        `AND expires_at <= ${this.typed(bind(session.startedAt), 'timestamptz')}), ` +
        `s AS (${this.insertSession(session, bind, 'l')}) ` +
        `SELECT ${this.withUserColumns} FROM l ${WITH_USER_JOINS}`;
      const { records } = await this.statement(consumed).run(parameters);
      return records.length === 0 ? undefined : this.linkWithUser(records);
    }
    return this.transactions.runNow(() => {
      if (this.statement(sql).runNow(parameters) !== 1) return undefined;
      this.deleteExpiredSessions.runNow([conditions.tokenHash, session.startedAt]);
      const values: unknown[] = [];
      const insert = this.insertSession(session, (value) => `$${values.push(value)}`, 'magic_links l');
      this.statement(`${insert} WHERE l.token_hash = $${values.push(conditions.tokenHash)}`).runNow(values);
      return this.linkWithUser(this.selectWithUser.allNow([conditions.tokenHash]));
    });
  }

  /**
   * `INSERT … SELECT` of `session` for the user of the link `l` read from `from`, its factor (as `withFactor` makes
   * it) built from the link and its email.
   */
  private insertSession(session: SessionStart['row'], bind: (value: unknown) => string, from: string): string {
    const [object, array] = this.sqlite ? ['json_object', 'json_array'] : ['json_build_object', 'json_build_array'];
    const factor = (method: string, source: string) =>
      `${object}('type', 'magic_link', 'delivery_method', '${method}', ${source}, ` +
      `'last_authenticated_at', p.at, 'created_at', p.at, 'updated_at', p.at)`;
    const values = [
      this.typed(bind(session.id), 'varchar'),
      'l.user_id',
      this.typed(bind(session.tokenHash), 'varchar'),
      this.typed(bind(session.version), 'integer'),
      this.typed(bind(session.startedAt), 'timestamptz'),
      this.typed(bind(session.lastAccessedAt), 'timestamptz'),
      this.typed(bind(session.expiresAt), 'timestamptz'),
      this.typed(bind(session.ipAddress), 'varchar'),
      this.typed(bind(session.userAgent), 'varchar'),
      `CAST(${array}(CASE WHEN l.email_id IS NULL ` +
        `THEN ${factor('embedded', `'embeddable_magic_link_factor', ${object}('embedded_id', l.id)`)} ` +
        `ELSE ${factor('email', `'email_factor', ${object}('email_id', l.email_id, 'email_address', fe.email)`)} ` +
        'END) AS text)',
      this.typed(bind(session.customClaims === null ? null : JSON.stringify(session.customClaims)), 'text'),
    ];
    return (
      `INSERT INTO sessions (${SESSION_COLUMNS}) SELECT ${values.join(', ')} ` +
      `FROM ${from} LEFT JOIN user_emails fe ON fe.id = l.email_id ` +
      `CROSS JOIN (SELECT ${this.typed(bind(rfc3339(session.startedAt)), 'text')} AS at) p`
    );
  }

  /** A placeholder with its type, which PostgreSQL cannot infer in an `INSERT … SELECT`; SQLite needs none. */
  private typed(placeholder: string, type: string): string {
    return this.sqlite ? placeholder : `CAST(${placeholder} AS ${type})`;
  }

  /** Consumes the link in `manager`'s transaction if `conditions` hold; true when this call won. */
  async consume(manager: EntityManager, conditions: ConsumeConditions): Promise<boolean> {
    const { sql, parameters } = consumeUpdate(conditions);
    const { affected } = await this.statement(sql).run(parameters, manager);
    return affected === 1;
  }

  /** The link with its user and the user's emails, in one query; undefined when no link has this hash. */
  async findWithUser(tokenHash: string): Promise<MagicLink | undefined> {
    const { records } = await this.selectWithUser.run([tokenHash]);
    return records.length === 0 ? undefined : this.linkWithUser(records);
  }

  async activateUser(manager: EntityManager, userId: string): Promise<void> {
    await manager.update(User, { id: userId }, { status: 'active' });
  }

  async verifyEmail(manager: EntityManager, emailId: string): Promise<void> {
    await manager.update(UserEmail, { id: emailId }, { verified: true });
  }

  /**
   * Ends, in `manager`'s transaction, the unused links sent to an email of `userId` that is going away: they expire
   * now, so authenticate refuses them, the redirect page says so, and a mail still queued is not sent. They are kept
   * with their events, as used and expired links are.
   */
  async expirePendingForEmail(manager: EntityManager, userId: string, emailId: string, now: Date): Promise<void> {
    await this.expirePending.run([now, userId, emailId, now], manager);
  }

  private statement(sql: string): FixedStatement {
    let statement = this.consumeStatements.get(sql);
    if (!statement) this.consumeStatements.set(sql, (statement = new FixedStatement(this.dataSource, sql)));
    return statement;
  }

  /** The link of rows selected `FROM … l ${WITH_USER_JOINS}`, with its user and the user's emails. */
  private linkWithUser(rows: Record<string, unknown>[]): MagicLink {
    const link = this.linkRows.read(rows[0])!;
    link.user = this.userRows.read(rows[0])!;
    link.user.emails = rows.flatMap((row) => this.emailRows.read(row) ?? []);
    return link;
  }
}

/** The UPDATE that consumes the link if `conditions` hold. */
function consumeUpdate(conditions: ConsumeConditions): { sql: string; parameters: unknown[] } {
  const { tokenHash, now, codeChallenge, ipAddress, userAgent, alone = false } = conditions;
  const shape: ConsumeShape = {
    codeChallenge: codeChallenge !== null,
    ipAddress: ipAddress !== undefined,
    userAgent: userAgent !== undefined,
    alone,
  };
  // In the order consumeSql numbers its placeholders.
  const parameters: unknown[] = [now, tokenHash, now];
  if (shape.codeChallenge) parameters.push(codeChallenge);
  if (shape.ipAddress) parameters.push(ipAddress);
  if (shape.userAgent) parameters.push(userAgent);
  if (shape.alone) parameters.push(true);
  const key =
    (shape.codeChallenge ? 1 : 0) | (shape.ipAddress ? 2 : 0) | (shape.userAgent ? 4 : 0) | (shape.alone ? 8 : 0);
  let sql = CONSUME_SQL.get(key);
  if (sql === undefined) CONSUME_SQL.set(key, (sql = consumeSql(shape)));
  return { sql, parameters };
}

/** Which of the optional checks a consuming UPDATE makes. */
interface ConsumeShape {
  codeChallenge: boolean;
  ipAddress: boolean;
  userAgent: boolean;
  alone: boolean;
}

/**
 * The consuming UPDATE's text for each shape, built once: the same text object each time also lets the statement
 * cache find its statement without hashing a new string per request.
 */
const CONSUME_SQL = new Map<number, string>();

function consumeSql(shape: ConsumeShape): string {
  let placeholders = 3;
  const next = () => `$${++placeholders}`;
  const where = ['token_hash = $2', 'consumed_at IS NULL', 'expires_at > $3'];
  where.push(shape.codeChallenge ? `code_challenge = ${next()}` : 'code_challenge IS NULL');
  // A missing attribute binds NULL, which equals nothing: a required match then fails, as it must.
  if (shape.ipAddress) where.push(`ip_address = ${next()}`);
  if (shape.userAgent) where.push(`user_agent = ${next()}`);
  if (shape.alone) {
    where.push(
      `NOT EXISTS (SELECT 1 FROM users WHERE users.id = magic_links.user_id AND users.status = 'pending')`,
      '(email_id IS NULL OR EXISTS (SELECT 1 FROM user_emails ' +
        `WHERE user_emails.id = magic_links.email_id AND user_emails.verified = ${next()}))`,
    );
  } else {
    // An emailed link dies with its email (deleted, or exchanged for another). Removing the email expires its links,
    // but a link a concurrent send wrote just then would escape that: this catches it.
    where.push('(email_id IS NULL OR EXISTS (SELECT 1 FROM user_emails WHERE user_emails.id = magic_links.email_id))');
  }
  return `UPDATE magic_links SET consumed_at = $1 WHERE ${where.join(' AND ')}`;
}
