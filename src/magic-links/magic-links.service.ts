import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EntityRows } from '../database/entity-rows.js';
import { FixedStatement } from '../database/fixed-statement.js';
import { isForeignKeyViolation } from '../database/foreign-key-violation.js';
import { newId } from '../ids/ids.js';
import { StytchException } from '../http/stytch.exception.js';
import { TokenService } from '../tokens/token.service.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import type { MagicLinkFactorSource } from '../sessions/authentication-factors.js';
import { asksForSession, SessionsService, type IssuedSession } from '../sessions/sessions.service.js';
import { UserEmail } from '../users/user-email.entity.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AuthenticateMagicLinkDto } from './dto/authenticate-magic-link.dto.js';
import { CreateMagicLinkDto } from './dto/create-magic-link.dto.js';
import { DeviceConfirmations } from './device-confirmations.js';
import { MagicLink } from './magic-link.entity.js';
import { codeChallengeOf, verifyPkce } from './pkce.js';

export const DEFAULT_EXPIRATION_MINUTES = 60;

export interface AuthenticatedMagicLink {
  link: MagicLink;
  user: User;
  /** The session started or extended, when the request asked for one. */
  session: IssuedSession | undefined;
}

const EMBEDDABLE_COLUMNS =
  'id, token_hash, ip_address, user_agent, created_at, expires_at, user_id, ' +
  'email_id, type, redirect_url, locale, code_challenge, consumed_at';
const EMBEDDABLE_CONSTANTS = `NULL, 'embedded', NULL, NULL, NULL, NULL`;
/** A link `l` with its user `u` and the user's emails `e`, one row per email. */
const WITH_USER_JOINS = 'JOIN users u ON u.id = l.user_id LEFT JOIN user_emails e ON e.user_id = u.id';

@Injectable()
export class MagicLinksService {
  private readonly insertForUserId: FixedStatement;
  private readonly insertForExternalId: FixedStatement;
  private readonly linkRows: EntityRows<MagicLink>;
  private readonly userRows: EntityRows<User>;
  private readonly emailRows: EntityRows<UserEmail>;
  /** Every column of a link `l`, its user `u` and an email `e`, for `WITH_USER_JOINS`. */
  private readonly withUserColumns: string;
  private readonly selectWithUser: FixedStatement;
  /** The consuming UPDATEs, one per combination of checks, built once each. */
  private readonly consumeStatements = new Map<string, FixedStatement>();

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly sessions: SessionsService,
    private readonly deviceConfirmations: DeviceConfirmations,
  ) {
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
  }

  /**
   * An embeddable magic link for an existing user; the token is returned once and stored only as a hash. One
   * statement, no lookup first: for a user_id the foreign key refuses an unknown user, and an external id is
   * resolved inside the INSERT.
   */
  async createEmbeddable(dto: CreateMagicLinkDto): Promise<{ userId: string; token: string }> {
    const user = this.users.whereUserId(dto.user_id);
    const { token, hash } = this.tokens.mint();
    const now = new Date();
    const values = [
      newId('magic-link', this.options.environment),
      hash,
      dto.attributes?.ip_address ?? null,
      dto.attributes?.user_agent ?? null,
      now,
      new Date(now.getTime() + (dto.expiration_minutes ?? DEFAULT_EXPIRATION_MINUTES) * 60_000),
    ];
    if ('externalId' in user) {
      const { records } = await this.insertForExternalId.run([...values, user.externalId]);
      if (records.length === 0) throw new StytchException('user_not_found');
      return { userId: (records[0] as { user_id: string }).user_id, token };
    }
    try {
      await this.insertForUserId.run([...values, user.id]);
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new StytchException('user_not_found');
      throw error;
    }
    return { userId: user.id, token };
  }

  /**
   * Checks a token and consumes it, starting or extending a session in the same transaction when asked. Every check
   * is a condition of the one conditional write that consumes the link, so a failed check never burns it and under
   * any concurrency exactly one caller wins. Only when that write changes nothing does a read find out why: which
   * error to answer, or that the link is good but needs more than the write alone (a pending user to activate, an
   * email to verify, a session to issue), which one transaction then does.
   */
  async authenticate(dto: AuthenticateMagicLinkDto): Promise<AuthenticatedMagicLink> {
    const tokenHash = this.tokens.hash(dto.token);
    const now = new Date();
    // The common case: no session asked for, nothing to update but the link. A device match is looked up in the
    // link's events, which the write cannot check, so it takes the read-first path below.
    const consumed =
      asksForSession(dto) || dto.options?.device_match_required
        ? undefined
        : await this.consumeAlone(tokenHash, dto, now);
    if (consumed) return { link: consumed, user: consumed.user, session: undefined };

    // The same checks as consume()'s conditions, in the order their errors take precedence: a check added to one
    // must be added to the other, or the common case above would skip it.
    const link = await this.findWithUser(tokenHash);
    if (link.consumedAt !== null || link.expiresAt <= now) throw new StytchException('unable_to_auth_magic_link');
    verifyPkce(link.codeChallenge, dto.code_verifier);
    if (dto.options?.ip_match_required && !sameAttribute(link.ipAddress, dto.attributes?.ip_address)) {
      throw new StytchException('attribute_mismatch');
    }
    if (dto.options?.user_agent_match_required && !sameAttribute(link.userAgent, dto.attributes?.user_agent)) {
      throw new StytchException('attribute_mismatch');
    }
    if (
      dto.options?.device_match_required &&
      !(await this.deviceConfirmations.confirmedFromDevice(link.id, dto.attributes))
    ) {
      throw new StytchException('attribute_mismatch');
    }
    const { user } = link;
    const sessionPlan = await this.sessions.plan(dto, user.id);

    let session: IssuedSession | undefined;
    await this.dataSource.transaction(async (manager) => {
      // Another caller may have consumed the link since the read.
      if (!(await this.consumeIn(manager, tokenHash, dto, now))) throw new StytchException('unable_to_auth_magic_link');
      if (user.status === 'pending') {
        await manager.update(User, { id: user.id }, { status: 'active' });
        user.status = 'active';
      }
      const email = user.emails.find((candidate) => candidate.id === link.emailId);
      if (email && !email.verified) {
        await manager.update(UserEmail, { id: email.id }, { verified: true });
        email.verified = true;
      }
      if (sessionPlan)
        session = await this.sessions.issue(manager, sessionPlan, user, factorOf(link, email), dto.attributes);
    });
    link.consumedAt = now;
    return { link, user, session };
  }

  /**
   * Consumes the link when that is all there is to do (see `consumeUpdate`'s `alone`) and returns it with its user,
   * or undefined when nothing was consumed. On PostgreSQL the write and the read are one statement, one round trip.
   */
  private async consumeAlone(
    tokenHash: string,
    dto: AuthenticateMagicLinkDto,
    now: Date,
  ): Promise<MagicLink | undefined> {
    const { sql, parameters } = this.consumeUpdate(tokenHash, dto, now, true);
    if (this.dataSource.options.type === 'postgres') {
      const consumed = `WITH l AS (${sql} RETURNING *) SELECT ${this.withUserColumns} FROM l ${WITH_USER_JOINS}`;
      const { records } = await this.statement(consumed).run(parameters);
      return records.length === 0 ? undefined : this.linkWithUser(records);
    }
    const { affected } = await this.statement(sql).run(parameters);
    return affected === 1 ? this.findWithUser(tokenHash) : undefined;
  }

  /** Consumes the link in `manager`'s transaction if every check passes; true when this call won. */
  private async consumeIn(
    manager: EntityManager,
    tokenHash: string,
    dto: AuthenticateMagicLinkDto,
    now: Date,
  ): Promise<boolean> {
    const { sql, parameters } = this.consumeUpdate(tokenHash, dto, now, false);
    const { affected } = await this.statement(sql).run(parameters, manager);
    return affected === 1;
  }

  /**
   * The UPDATE that consumes the link if every check of `dto` passes: unused, unexpired, the PKCE verifier answers
   * the challenge (or neither exists), the attributes match where `options` require it. With `alone`, only if
   * consuming is all there is to do: the user is not pending and the link's email, if any, is verified.
   */
  private consumeUpdate(
    tokenHash: string,
    dto: AuthenticateMagicLinkDto,
    now: Date,
    alone: boolean,
  ): { sql: string; parameters: unknown[] } {
    const parameters: unknown[] = [now, tokenHash, now];
    const conditions = ['token_hash = $2', 'consumed_at IS NULL', 'expires_at > $3'];
    const bind = (value: unknown) => `$${parameters.push(value)}`;
    if (dto.code_verifier === undefined) conditions.push('code_challenge IS NULL');
    else conditions.push(`code_challenge = ${bind(codeChallengeOf(dto.code_verifier))}`);
    // A missing attribute binds NULL, which equals nothing: a required match then fails, as it must.
    if (dto.options?.ip_match_required) conditions.push(`ip_address = ${bind(dto.attributes?.ip_address ?? null)}`);
    if (dto.options?.user_agent_match_required) {
      conditions.push(`user_agent = ${bind(dto.attributes?.user_agent ?? null)}`);
    }
    if (alone) {
      conditions.push(
        `NOT EXISTS (SELECT 1 FROM users WHERE users.id = magic_links.user_id AND users.status = 'pending')`,
        '(email_id IS NULL OR EXISTS (SELECT 1 FROM user_emails ' +
          `WHERE user_emails.id = magic_links.email_id AND user_emails.verified = ${bind(true)}))`,
      );
    }
    return { sql: `UPDATE magic_links SET consumed_at = $1 WHERE ${conditions.join(' AND ')}`, parameters };
  }

  private statement(sql: string): FixedStatement {
    let statement = this.consumeStatements.get(sql);
    if (!statement) this.consumeStatements.set(sql, (statement = new FixedStatement(this.dataSource, sql)));
    return statement;
  }

  /** The link with its user and the user's emails, in one query. */
  private async findWithUser(tokenHash: string): Promise<MagicLink> {
    const { records } = await this.selectWithUser.run([tokenHash]);
    if (records.length === 0) throw new StytchException('magic_link_not_found');
    return this.linkWithUser(records);
  }

  /** The link of rows selected `FROM … l ${WITH_USER_JOINS}`, with its user and the user's emails. */
  private linkWithUser(rows: Record<string, unknown>[]): MagicLink {
    const link = this.linkRows.read(rows[0])!;
    link.user = this.userRows.read(rows[0])!;
    link.user.emails = rows.flatMap((row) => this.emailRows.read(row) ?? []);
    return link;
  }
}

function factorOf(link: MagicLink, email: UserEmail | undefined): MagicLinkFactorSource {
  if (link.emailId === null) return { deliveryMethod: 'embedded', embeddedId: link.id };
  return { deliveryMethod: 'email', emailId: link.emailId, emailAddress: email?.email ?? '' };
}

function sameAttribute(stored: string | null, presented: string | undefined): boolean {
  return stored !== null && presented !== undefined && stored === presented;
}
