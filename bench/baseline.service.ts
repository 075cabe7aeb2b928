import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { DataSource, type QueryResult } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils.js';
import { MagicLinksStore, type ConsumeConditions } from '../src/magic-links/magic-links.store.js';
import type { User } from '../src/users/user.entity.js';

export const BASELINE_TOKEN_HASH_KEY = Symbol('BASELINE_TOKEN_HASH_KEY');

const INSERT =
  'INSERT INTO magic_links (id, token_hash, user_id, email_id, type, redirect_url, locale, code_challenge, ' +
  'ip_address, user_agent, created_at, expires_at, consumed_at) ' +
  'VALUES ($1, $2, $3, NULL, $4, NULL, NULL, NULL, NULL, NULL, $5, $6, NULL)';
const CONSUME =
  'UPDATE magic_links SET consumed_at = $1 WHERE token_hash = $2 AND consumed_at IS NULL AND expires_at > $3';

/**
 * The least a magic-link store can do per request, written straight against TypeORM's query runner: one INSERT
 * to create (token minted and HMAC-hashed as the gateway does), one conditional UPDATE to consume.
 */
@Injectable()
export class BaselineService implements OnModuleInit {
  private readonly sqlite: boolean;
  private signingKey!: CryptoKey;
  private readonly insertSql: string;
  private readonly consumeSql: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BASELINE_TOKEN_HASH_KEY) private readonly tokenHashKey: string,
    private readonly store: MagicLinksStore,
  ) {
    this.sqlite = dataSource.options.type === 'better-sqlite3';
    // better-sqlite3 binds `?` in order; every `$n` above is used once and in order.
    this.insertSql = this.sqlite ? INSERT.replace(/\$\d+/g, '?') : INSERT;
    this.consumeSql = this.sqlite ? CONSUME.replace(/\$\d+/g, '?') : CONSUME;
  }

  async onModuleInit(): Promise<void> {
    ({ privateKey: this.signingKey } = await generateKeyPair('RS256', { modulusLength: 2048 }));
  }

  async create(userId: string): Promise<string> {
    const token = randomBytes(33).toString('base64url');
    const now = new Date();
    const expires = new Date(now.getTime() + 60 * 60_000);
    await this.run(this.insertSql, [
      `magic-link-test-${randomUUID()}`,
      this.hash(token),
      userId,
      'embedded',
      this.timestamp(now),
      this.timestamp(expires),
    ]);
    return token;
  }

  /** True when this call consumed the token; false when it is unknown, used or expired. */
  async consume(token: string): Promise<boolean> {
    const now = this.timestamp(new Date());
    const { affected } = await this.run(this.consumeSql, [now, this.hash(token), now]);
    return affected === 1;
  }

  /**
   * The data work the gateway's authenticate cannot do without, through its own store: the statement that consumes
   * the link and reads back its user with the user's emails (the answer's User object). The user, or undefined.
   */
  async consumeWithUser(token: string): Promise<User | undefined> {
    return (await this.store.consumeWithUser(this.conditions(token, new Date())))?.user;
  }

  /** As `consumeWithUser`, also writing a session row for the user in the same step, as the gateway's does. */
  async consumeStartingSession(token: string, minutes: number): Promise<User | undefined> {
    const now = new Date();
    const link = await this.store.consumeStartingSession(this.conditions(token, now), {
      id: `session-test-${randomUUID()}`,
      tokenHash: this.hash(randomBytes(33).toString('base64url')),
      version: 1,
      startedAt: now,
      lastAccessedAt: now,
      expiresAt: new Date(now.getTime() + minutes * 60_000),
      ipAddress: null,
      userAgent: null,
      customClaims: null,
    });
    return link?.user;
  }

  /** The floor of a session: one RS256 signature (2048-bit key, as the gateway's) over a small claim set. */
  sessionJwt(minutes: number): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ session: { id: randomUUID(), expires_at: now + minutes * 60 } })
      .setProtectedHeader({ alg: 'RS256', kid: 'baseline', typ: 'JWT' })
      .setSubject('user')
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(this.signingKey);
  }

  private conditions(token: string, now: Date): ConsumeConditions {
    return { tokenHash: this.hash(token), now, codeChallenge: null, alone: true };
  }

  private hash(token: string): string {
    return createHmac('sha256', this.tokenHashKey).update(token).digest('hex');
  }

  /** Dates as TypeORM writes a `Date` column: a UTC text on SQLite, a timestamptz parameter on PostgreSQL. */
  private timestamp(date: Date): Date | string {
    return this.sqlite ? DateUtils.mixedDateToUtcDatetimeString(date) : date;
  }

  private async run(sql: string, parameters: unknown[]): Promise<QueryResult> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await runner.query(sql, parameters, true);
    } finally {
      await runner.release();
    }
  }
}
