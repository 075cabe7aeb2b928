import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, MoreThan, Repository } from 'typeorm';
import { newId } from '../common/ids.js';
import { StytchException } from '../common/stytch.exception.js';
import { TokenService } from '../common/token.service.js';
import { InjectMagicLinksOptions } from '../magic-links.module-definition.js';
import type { ResolvedMagicLinksOptions } from '../magic-links.options.js';
import type { MagicLinkFactorSource } from '../sessions/authentication-factors.js';
import { SessionsService, type IssuedSession } from '../sessions/sessions.service.js';
import { UserEmail } from '../users/user-email.entity.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AuthenticateMagicLinkDto } from './dto/authenticate-magic-link.dto.js';
import { CreateMagicLinkDto } from './dto/create-magic-link.dto.js';
import { confirmedFromDevice } from '../redirect/device-match.js';
import { MagicLink } from './magic-link.entity.js';
import { verifyPkce } from './pkce.js';

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
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(MagicLink) private readonly links: Repository<MagicLink>,
    @InjectRepository(User) private readonly usersRepository: Repository<User>,
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly sessions: SessionsService,
  ) {}

  /** An embeddable magic link for an existing user; the token is returned once and stored only as a hash. */
  async createEmbeddable(dto: CreateMagicLinkDto): Promise<{ userId: string; token: string }> {
    const user = await this.usersRepository.findOne({
      where: this.users.whereUserId(dto.user_id),
      select: { id: true },
    });
    if (!user) throw new StytchException('user_not_found');
    const { token, hash } = this.tokens.mint();
    const now = new Date();
    await this.links.insert({
      id: newId('magic-link', this.options.environment),
      tokenHash: hash,
      userId: user.id,
      emailId: null,
      type: 'embedded',
      redirectUrl: null,
      locale: null,
      codeChallenge: null,
      ipAddress: dto.attributes?.ip_address ?? null,
      userAgent: dto.attributes?.user_agent ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + (dto.expiration_minutes ?? DEFAULT_EXPIRATION_MINUTES) * 60_000),
      consumedAt: null,
    });
    return { userId: user.id, token };
  }

  /**
   * Checks a token and consumes it, starting or extending a session in the same transaction when asked. Every
   * check, the session's included, runs before the consuming write, so a failed check never burns the link; the
   * write itself is conditional, so under any concurrency exactly one caller wins.
   */
  async authenticate(dto: AuthenticateMagicLinkDto): Promise<AuthenticatedMagicLink> {
    const link = await this.links.findOne({
      where: { tokenHash: this.tokens.hash(dto.token) },
      relations: { user: { emails: true } },
    });
    if (!link) throw new StytchException('magic_link_not_found');
    const now = new Date();
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
      !(await confirmedFromDevice(this.dataSource.manager, link.id, dto.attributes))
    ) {
      throw new StytchException('attribute_mismatch');
    }
    const { user } = link;
    const sessionPlan = await this.sessions.plan(dto, user.id);

    let session: IssuedSession | undefined;
    await this.dataSource.transaction(async (manager) => {
      const consumed = await manager.update(
        MagicLink,
        { id: link.id, consumedAt: IsNull(), expiresAt: MoreThan(now) },
        { consumedAt: now },
      );
      if (consumed.affected !== 1) throw new StytchException('unable_to_auth_magic_link');
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
}

function factorOf(link: MagicLink, email: UserEmail | undefined): MagicLinkFactorSource {
  if (link.emailId === null) return { deliveryMethod: 'embedded', embeddedId: link.id };
  return { deliveryMethod: 'email', emailId: link.emailId, emailAddress: email?.email ?? '' };
}

function sameAttribute(stored: string | null, presented: string | undefined): boolean {
  return stored !== null && presented !== undefined && stored === presented;
}
