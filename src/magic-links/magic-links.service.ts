import { Injectable } from '@nestjs/common';
import { TransactionsService } from '../database/transactions.service.js';
import { newId } from '../ids/ids.js';
import { StytchException } from '../http/stytch.exception.js';
import { TokenService } from '../tokens/token.service.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import type { MagicLinkFactorSource } from '../sessions/authentication-factors.js';
import {
  asksForSession,
  SessionsService,
  type IssuedSession,
  type RecordedSession,
  type SessionPlan,
} from '../sessions/sessions.service.js';
import { UserEmail } from '../users/user-email.entity.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AuthenticateMagicLinkDto } from './dto/authenticate-magic-link.dto.js';
import { CreateMagicLinkDto } from './dto/create-magic-link.dto.js';
import { MagicLinksStore, type ConsumeConditions } from './magic-links.store.js';
import { DeviceConfirmations } from './device-confirmations.js';
import { MagicLink } from './magic-link.entity.js';
import { codeChallengeOf, verifyPkce } from './pkce.js';
import { DeviceFingerprintingService, type FingerprintLookup } from '../fraud/device-fingerprinting.service.js';
import { MagicLinksMetrics } from '../metrics/magic-links-metrics.service.js';

export const DEFAULT_EXPIRATION_MINUTES = 60;

export interface AuthenticatedMagicLink {
  link: MagicLink;
  user: User;
  /** The session started or extended, when the request asked for one. */
  session: IssuedSession | undefined;
}

@Injectable()
export class MagicLinksService {
  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    private readonly store: MagicLinksStore,
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly sessions: SessionsService,
    private readonly deviceConfirmations: DeviceConfirmations,
    private readonly transactions: TransactionsService,
    private readonly fingerprinting: DeviceFingerprintingService,
    private readonly metrics: MagicLinksMetrics,
  ) {}

  /**
   * An embeddable magic link for an existing user; the token is returned once and stored only as a hash.
   */
  async createEmbeddable(dto: CreateMagicLinkDto): Promise<{ userId: string; token: string }> {
    const user = this.users.whereUserId(dto.user_id);
    const { token, hash } = this.tokens.mint();
    const now = new Date();
    const userId = await this.store.insertEmbeddable({
      id: newId('magic-link', this.options.environment),
      tokenHash: hash,
      ipAddress: dto.attributes?.ip_address ?? null,
      userAgent: dto.attributes?.user_agent ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + (dto.expiration_minutes ?? DEFAULT_EXPIRATION_MINUTES) * 60_000),
      user,
    });
    if (userId === undefined) throw new StytchException('user_not_found');
    this.metrics.embeddableLinkCreated();
    return { userId, token };
  }

  /**
   * Checks a token and consumes it, starting or extending a session in the same transaction when asked. Every check
   * is a condition of the one conditional write that consumes the link, so a failed check never burns it and under
   * any concurrency exactly one caller wins. Only when that write changes nothing does a read find out why: which
   * error to answer, or that the link is good but needs more than the write alone (a pending user to activate, an
   * email to verify, a session to issue), which one transaction then does.
   */
  async authenticate(dto: AuthenticateMagicLinkDto): Promise<AuthenticatedMagicLink> {
    try {
      const authenticated = await this.checkAndConsume(dto);
      this.metrics.authenticateSucceeded(
        authenticated.link.emailId === null ? 'embedded' : 'email',
        authenticated.link.createdAt,
      );
      return authenticated;
    } catch (error) {
      this.metrics.authenticateRefused(error instanceof StytchException ? error.errorType : 'internal_server_error');
      throw error;
    }
  }

  private async checkAndConsume(dto: AuthenticateMagicLinkDto): Promise<AuthenticatedMagicLink> {
    const device = await this.deviceOf(dto);
    const authenticated = await this.consume(dto, device);
    // Counted for DEVICE_SHARED_BY_MANY_USERS: the users each device signs in.
    if (device)
      await this.fingerprinting.noteUser(device.fingerprints.visitor_fingerprint, `user:${authenticated.user.id}`);
    return authenticated;
  }

  /**
   * The device of the request's telemetry_id, looked up before anything else so that a refused device burns no link;
   * with `fraud.requireAllowVerdict`, one is required and its verdict must be ALLOW.
   */
  private async deviceOf(dto: AuthenticateMagicLinkDto): Promise<FingerprintLookup | undefined> {
    const required = this.options.fraud.requireAllowVerdict;
    if (dto.telemetry_id === undefined) {
      if (required) throw new StytchException('telemetry_id_required');
      return undefined;
    }
    const device = await this.fingerprinting.lookup(dto.telemetry_id);
    if (!device) throw new StytchException('telemetry_id_not_found');
    if (required && device.verdict.action !== 'ALLOW') {
      throw new StytchException(
        'device_verdict_not_allow',
        `The device verdict for this telemetry_id is ${device.verdict.action} (${device.verdict.reasons.join(', ')}), ` +
          'and this project requires ALLOW to authenticate: challenge the user another way, or adjust rules.',
      );
    }
    return device;
  }

  private async consume(
    dto: AuthenticateMagicLinkDto,
    device: FingerprintLookup | undefined,
  ): Promise<AuthenticatedMagicLink> {
    const tokenHash = this.tokens.hash(dto.token);
    const now = new Date();
    // The common case: no session asked for, nothing to update but the link. A device match is looked up in the
    // link's events, which the write cannot check, so it takes the read-first path below.
    if (!dto.options?.device_match_required) {
      if (!asksForSession(dto)) {
        const consumed = await this.store.consumeWithUser(this.consumeConditions(tokenHash, dto, now, true));
        if (consumed) return { link: consumed, user: consumed.user, session: undefined };
      } else {
        const started = await this.consumeStartingSession(tokenHash, dto, now);
        if (started) return started;
      }
    }

    // The same checks as consumeConditions(), in the order their errors take precedence: a check added to one
    // must be added to the other, or the common case above would skip it.
    const link = await this.findWithUser(dto.token, tokenHash);
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
      !(await this.deviceConfirmations.confirmedFromDevice(
        link.id,
        dto.attributes,
        device?.fingerprints.visitor_fingerprint,
      ))
    ) {
      throw new StytchException('attribute_mismatch');
    }
    const { user } = link;
    const sessionPlan = await this.sessions.plan(dto, user.id);

    let recorded: RecordedSession | undefined;
    await this.transactions.run(async (manager) => {
      // Another caller may have consumed the link since the read.
      // The link's own hash: during a rotation of the hash key it may be an older key's (TokenService.find).
      if (!(await this.store.consume(manager, this.consumeConditions(link.tokenHash, dto, now, false)))) {
        throw new StytchException('unable_to_auth_magic_link');
      }
      if (user.status === 'pending') {
        await this.store.activateUser(manager, user.id);
        user.status = 'active';
      }
      const email = user.emails.find((candidate) => candidate.id === link.emailId);
      if (email && !email.verified) {
        await this.store.verifyEmail(manager, email.id);
        email.verified = true;
      }
      if (sessionPlan)
        recorded = await this.sessions.record(manager, sessionPlan, user, factorOf(link, email), dto.attributes);
    });
    link.consumedAt = now;
    return { link, user, session: recorded && (await this.sessions.sign(recorded)) };
  }

  /**
   * A new session (a duration and no session named) started in the write that consumes the link, as the common case
   * of consume(). Undefined when that write changes nothing, or the session's checks fail, so that consume() answers
   * as it would have: its read-first path finds out why, with the errors in their order of precedence.
   */
  private async consumeStartingSession(
    tokenHash: string,
    dto: AuthenticateMagicLinkDto,
    now: Date,
  ): Promise<AuthenticatedMagicLink | undefined> {
    let plan: SessionPlan | undefined;
    try {
      plan = await this.sessions.planNew(dto);
    } catch (error) {
      if (error instanceof StytchException) return undefined;
      throw error;
    }
    if (!plan) return undefined;
    const start = this.sessions.prepareStart(plan, now, dto.attributes);
    const link = await this.store.consumeStartingSession(this.consumeConditions(tokenHash, dto, now, true), start.row);
    if (!link) return undefined;
    const { user } = link;
    const email = user.emails.find((candidate) => candidate.id === link.emailId);
    const recorded = this.sessions.started(plan, start, user, factorOf(link, email));
    return { link, user, session: await this.sessions.sign(recorded) };
  }

  /**
   * What consuming the link requires for `dto`: unused, unexpired, the PKCE verifier answers the challenge (or neither
   * exists), the attributes match where `options` require it. With `alone`, only if consuming is all there is to do.
   */
  private consumeConditions(
    tokenHash: string,
    dto: AuthenticateMagicLinkDto,
    now: Date,
    alone: boolean,
  ): ConsumeConditions {
    return {
      tokenHash,
      now,
      codeChallenge: dto.code_verifier === undefined ? null : codeChallengeOf(dto.code_verifier),
      ipAddress: dto.options?.ip_match_required ? (dto.attributes?.ip_address ?? null) : undefined,
      userAgent: dto.options?.user_agent_match_required ? (dto.attributes?.user_agent ?? null) : undefined,
      alone,
    };
  }

  private async findWithUser(token: string, tokenHash: string): Promise<MagicLink> {
    const link = await this.tokens.find(token, (hash) => this.store.findWithUser(hash), tokenHash);
    if (!link) throw new StytchException('magic_link_not_found');
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
