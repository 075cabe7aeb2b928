import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AttributesDto } from '../device/attributes.dto.js';
import { newId, parseId } from '../ids/ids.js';
import { StytchException } from '../http/stytch.exception.js';
import { TokenService } from '../tokens/token.service.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { withFactor, type MagicLinkFactorSource } from './authentication-factors.js';
import { applyCustomClaims } from './custom-claims.js';
import type { AuthenticateSessionDto } from './dto/authenticate-session.dto.js';
import type { RevokeSessionDto } from './dto/revoke-session.dto.js';
import type { SessionResponse } from './dto/session.response.js';
import { SessionJwtService } from './session-jwt.service.js';
import { SessionKeysService, type SigningKey } from './session-keys.service.js';
import { presentSession } from './session.presenter.js';
import { Session } from './session.entity.js';
import { SessionsStore, type SessionRow } from './sessions.store.js';
import { MagicLinksMetrics } from '../metrics/magic-links-metrics.service.js';

/** A session named by its token or its JWT. An empty string counts as absent: it is what a session-less authenticate returns. */
export interface SessionCredentials {
  session_token?: string;
  session_jwt?: string;
}

/** The session fields of an authenticate request. */
export interface SessionRequest extends SessionCredentials {
  session_duration_minutes?: number;
  session_custom_claims?: Record<string, unknown>;
}

/** A session as authenticate answers with it. `sessionToken` is empty when it cannot be known (see below). */
export interface IssuedSession {
  session: SessionResponse;
  sessionToken: string;
  sessionJwt: string;
}

/** A session written but not yet given its JWT (see `SessionsService.record`). */
export interface RecordedSession {
  session: SessionResponse;
  sessionToken: string;
  signingKey: SigningKey;
}

/** What an authentication will do to sessions, checked in full before anything is written. */
export interface SessionPlan {
  /** The session to extend; undefined to start one. */
  existing: Session | undefined;
  durationMinutes: number | undefined;
  customClaims: Record<string, unknown> | undefined;
  signingKey: SigningKey;
}

/** A new session prepared before its user is known (see `SessionsService.prepareStart`). */
export interface SessionStart {
  token: string;
  row: Omit<SessionRow, 'userId' | 'authenticationFactors'>;
}

interface SessionChanges {
  factor?: MagicLinkFactorSource;
  durationMinutes?: number;
  customClaims?: Record<string, unknown>;
  /** A new token hash: re-authentication issues a new session token and the previous one stops working. */
  tokenHash?: string;
}

/**
 * Concurrent writers to one session retry their read-modify-write up to this many times. Each lost attempt means
 * another writer finished, so this many writers at once always all succeed.
 */
const MAX_WRITE_ATTEMPTS = 10;

@Injectable()
export class SessionsService {
  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: SessionsStore,
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly jwts: SessionJwtService,
    private readonly keys: SessionKeysService,
    private readonly metrics: MagicLinksMetrics,
  ) {}

  /**
   * Checks, without writing, what authenticating `userId` does to sessions: undefined when it starts none.
   * Every failure (both credentials, an unknown or foreign session, bad custom claims) surfaces here, so the
   * caller can run it before it consumes anything.
   */
  async plan(request: SessionRequest, userId: string): Promise<SessionPlan | undefined> {
    const credentials = onlyOne(request);
    if (!credentials && request.session_duration_minutes === undefined) return undefined;
    const existing = credentials ? await this.findActiveSession(credentials) : undefined;
    if (existing && existing.userId !== userId) throw new StytchException('user_id_mismatch');
    return this.planFor(existing, request);
  }

  /**
   * The plan of an authenticate that starts a new session whoever the user is (a duration and no session named),
   * checked before the user is known; undefined for any other request.
   */
  async planNew(request: SessionRequest): Promise<SessionPlan | undefined> {
    if (request.session_duration_minutes === undefined || onlyOne(request)) return undefined;
    return this.planFor(undefined, request);
  }

  /**
   * A new session's row, but for its user and factor, which come with the link that authenticates it: written in
   * the statement that consumes the link (`MagicLinksStore.consumeStartingSession`).
   */
  prepareStart(plan: SessionPlan, now: Date, attributes: AttributesDto | undefined): SessionStart {
    const { token, hash } = this.tokens.mint();
    return { token, row: this.newRow(hash, plan, now, attributes) };
  }

  /** A new session's row, but for its user and factor. */
  private newRow(
    tokenHash: string,
    plan: SessionPlan,
    now: Date,
    attributes: AttributesDto | undefined,
  ): SessionStart['row'] {
    return {
      id: newId('session', this.options.environment),
      tokenHash,
      version: 1,
      startedAt: now,
      lastAccessedAt: now,
      expiresAt: minutesAfter(now, plan.durationMinutes!),
      ipAddress: attributes?.ip_address ?? null,
      userAgent: attributes?.user_agent ?? null,
      customClaims: applyCustomClaims(null, plan.customClaims),
    };
  }

  /** The session `prepareStart` prepared, once written for `user`, authenticated by `factor`. */
  started(plan: SessionPlan, start: SessionStart, user: User, factor: MagicLinkFactorSource): RecordedSession {
    const { row } = start;
    const session: SessionRow = {
      ...row,
      userId: user.id,
      authenticationFactors: withFactor([], factor, row.startedAt),
    };
    this.metrics.sessionStarted();
    return { session: presentSession(session, user), sessionToken: start.token, signingKey: plan.signingKey };
  }

  private async planFor(existing: Session | undefined, request: SessionRequest): Promise<SessionPlan> {
    applyCustomClaims(existing?.customClaims ?? null, request.session_custom_claims);
    return {
      existing,
      durationMinutes: request.session_duration_minutes,
      customClaims: request.session_custom_claims,
      signingKey: await this.keys.signingKey(),
    };
  }

  /**
   * Starts or extends the planned session with `manager`, the transaction that consumes what authenticated, so
   * that both happen or neither does. Extending issues a new session token (re-authentication must not keep
   * a token that may have leaked); the session_id stays. The JWT is left to `sign`, once the transaction committed:
   * a transaction does no more than write (on SQLite, every other request waits for it).
   */
  async record(
    manager: EntityManager,
    plan: SessionPlan,
    user: User,
    factor: MagicLinkFactorSource,
    attributes: AttributesDto | undefined,
  ): Promise<RecordedSession> {
    const now = new Date();
    const { token, hash } = this.tokens.mint();
    const session = plan.existing
      ? await this.write(manager, plan.existing.id, now, {
          factor,
          durationMinutes: plan.durationMinutes,
          customClaims: plan.customClaims,
          tokenHash: hash,
        })
      : await this.start(manager, user, now, hash, plan, factor, attributes);
    return { session: presentSession(session, user), sessionToken: token, signingKey: plan.signingKey };
  }

  async sign({ session, sessionToken, signingKey }: RecordedSession): Promise<IssuedSession> {
    return { session, sessionToken, sessionJwt: await this.jwts.sign(signingKey, session) };
  }

  /**
   * `POST /v1/sessions/authenticate`: the session stays valid, is touched, optionally extended and given claims,
   * and gets a fresh JWT. Its token is returned only when it was presented: only its hash is stored.
   */
  async authenticate(dto: AuthenticateSessionDto): Promise<IssuedSession & { user: User }> {
    const credentials = onlyOne(dto);
    if (!credentials) throw new StytchException('no_session_arguments');
    const existing = await this.findActiveSession(credentials);
    const signingKey = await this.keys.signingKey();
    const session = await this.write(this.dataSource.manager, existing.id, new Date(), {
      durationMinutes: dto.session_duration_minutes,
      customClaims: dto.session_custom_claims,
    });
    const user = await this.users.get(session.userId);
    const presented = presentSession(session, user);
    return {
      session: presented,
      sessionToken: credentials.session_token ?? '',
      sessionJwt: await this.jwts.sign(signingKey, presented),
      user,
    };
  }

  /** `POST /v1/sessions/revoke`: by exactly one of session_id, session_token and session_jwt. */
  async revoke(dto: RevokeSessionDto): Promise<void> {
    const given = [dto.session_id, dto.session_token, dto.session_jwt].filter(Boolean);
    if (given.length === 0) throw new StytchException('no_session_revoke_arguments');
    if (given.length > 1) throw new StytchException('too_many_session_revoke_arguments');
    const now = new Date();
    let revoked: boolean | undefined;
    if (dto.session_id) revoked = await this.store.deleteLive({ id: this.checkSessionId(dto.session_id) }, now);
    else if (dto.session_token) {
      revoked = await this.tokens.find(dto.session_token, (tokenHash) => this.store.deleteLive({ tokenHash }, now));
    } else revoked = await this.store.deleteLive({ id: (await this.jwts.verify(dto.session_jwt!)).sessionId }, now);
    if (!revoked) throw new StytchException('session_not_found');
    this.metrics.sessionRevoked();
  }

  /** `GET /v1/sessions`: the user's live sessions, oldest first. */
  async list(userIdOrExternalId: string): Promise<SessionResponse[]> {
    const user = await this.users.get(userIdOrExternalId);
    const sessions = await this.store.listLive(user.id, new Date());
    return sessions.map((session) => presentSession(session, user));
  }

  /** The live session a session_token or session_jwt names; `session_not_found` when there is none. */
  async findActiveSession(credentials: SessionCredentials): Promise<Session> {
    const given = onlyOne(credentials);
    if (!given) throw new StytchException('no_session_arguments');
    const now = new Date();
    let session: Session | null;
    if (given.session_token !== undefined) {
      session =
        (await this.tokens.find(given.session_token, (hash) => this.store.findLiveByTokenHash(hash, now))) ?? null;
    } else {
      const { sessionId, userId } = await this.jwts.verify(given.session_jwt!);
      session = await this.store.findLive(sessionId, now, userId);
    }
    if (!session) throw new StytchException('session_not_found');
    return session;
  }

  /**
   * The user_id of the live session a session_token or session_jwt names (for example to add an email to that
   * user); `session_not_found` when there is none.
   */
  async resolveUserId(credentials: SessionCredentials): Promise<string> {
    return (await this.findActiveSession(credentials)).userId;
  }

  private async start(
    manager: EntityManager,
    user: User,
    now: Date,
    tokenHash: string,
    plan: SessionPlan,
    factor: MagicLinkFactorSource,
    attributes: AttributesDto | undefined,
  ): Promise<SessionRow> {
    const session: SessionRow = {
      ...this.newRow(tokenHash, plan, now, attributes),
      userId: user.id,
      authenticationFactors: withFactor([], factor, now),
    };
    await this.store.insert(manager, session);
    this.metrics.sessionStarted();
    return session;
  }

  /**
   * Applies `changes` to a live session. Only the fields that change are written, so that writers do not undo
   * each other. Factors and claims are read, merged and written back: that write is conditional on the version
   * it read, and re-done on a fresh read if another writer got there first. Timestamps alone need no read.
   */
  private async write(manager: EntityManager, id: string, now: Date, changes: SessionChanges): Promise<Session> {
    const times: Partial<Pick<Session, 'lastAccessedAt' | 'expiresAt'>> = { lastAccessedAt: now };
    if (changes.durationMinutes !== undefined) times.expiresAt = minutesAfter(now, changes.durationMinutes);
    const merges = changes.factor !== undefined || changes.customClaims !== undefined;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await this.store.findLive(id, now, undefined, manager);
      if (!current) throw new StytchException('session_not_found');
      const next: Partial<SessionRow> = { ...times };
      if (changes.tokenHash !== undefined) next.tokenHash = changes.tokenHash;
      if (merges) {
        next.version = current.version + 1;
        if (changes.factor) next.authenticationFactors = withFactor(current.authenticationFactors, changes.factor, now);
        if (changes.customClaims) next.customClaims = applyCustomClaims(current.customClaims, changes.customClaims);
      }
      if (await this.store.update(manager, id, now, merges ? current.version : undefined, next)) {
        return Object.assign(current, next);
      }
      if (!merges) throw new StytchException('session_not_found');
    }
    throw new StytchException('server_unavailable');
  }

  private checkSessionId(value: string): string {
    const id = parseId(value);
    if (id?.kind !== 'session') throw new StytchException('invalid_session_id');
    if (id.environment !== this.options.environment) {
      throw new StytchException(
        id.environment === 'live' ? 'live_id_used_in_test_environment' : 'test_id_used_in_live_environment',
      );
    }
    return value;
  }
}

/** True when an authenticate names a session or asks for one, so that sessions have something to check or write. */
export function asksForSession(request: SessionRequest): boolean {
  return Boolean(request.session_token || request.session_jwt) || request.session_duration_minutes !== undefined;
}

/** The one credential given (empty strings count as absent); `too_many_session_arguments` for both. */
function onlyOne(credentials: SessionCredentials): SessionCredentials | undefined {
  const token = credentials.session_token || undefined;
  const jwt = credentials.session_jwt || undefined;
  if (token !== undefined && jwt !== undefined) throw new StytchException('too_many_session_arguments');
  if (token !== undefined) return { session_token: token };
  return jwt === undefined ? undefined : { session_jwt: jwt };
}

function minutesAfter(date: Date, minutes: number): Date {
  return new Date(date.getTime() + minutes * 60_000);
}
