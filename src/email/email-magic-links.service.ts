import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { TransactionsService } from '../database/transactions.service.js';
import type { AttributesDto } from '../device/attributes.dto.js';
import { normalizeEmail } from '../users/email-address.js';
import { newId } from '../ids/ids.js';
import { StytchException } from '../http/stytch.exception.js';
import { TokenService } from '../tokens/token.service.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { EmailLocale, RedirectUrlType, ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { SessionsService } from '../sessions/sessions.service.js';
import type { UserEmail } from '../users/user-email.entity.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { InviteEmailDto } from './dto/invite-email.dto.js';
import type { LoginOrCreateEmailDto } from './dto/login-or-create-email.dto.js';
import type { SendEmailMagicLinkDto } from './dto/send-email-magic-link.dto.js';
import type { EmailKind } from './email-delivery.entity.js';
import { EmailMagicLinksStore, type NewDelivery, type NewEmailedLink } from './email-magic-links.store.js';
import { EmailQueue } from './email-queue.js';
import { EmailTemplatesService } from './email-templates.service.js';
import { publicUrlForEmail } from './magic-link-url.js';
import { chooseRedirectUrl } from './redirect-urls.js';
import { TokenSealer } from './token-sealer.js';
import { MagicLinksMetrics } from '../metrics/magic-links-metrics.service.js';

/** Stytch's defaults, in minutes (reference §2.1–§2.3). */
export const DEFAULT_EMAIL_EXPIRATION_MINUTES: Record<EmailKind, number> = { login: 60, signup: 10080, invite: 60 };

/** Everything one emailed link needs, decided and checked before anything is written. */
interface PlannedMail {
  kind: EmailKind;
  redirectUrl: string;
  expirationMinutes: number;
  templateId: string | undefined;
  locale: EmailLocale;
  codeChallenge: string | undefined;
  attributes: AttributesDto | undefined;
}

/** The login and sign-up choices of send and login_or_create. */
type LoginOrSignup = Pick<
  SendEmailMagicLinkDto,
  | 'login_magic_link_url'
  | 'signup_magic_link_url'
  | 'login_expiration_minutes'
  | 'signup_expiration_minutes'
  | 'login_template_id'
  | 'signup_template_id'
  | 'code_challenge'
  | 'attributes'
  | 'locale'
>;

/** What one emailed link writes: the link and its delivery record, and the email or user a request adds. */
interface MailToSend {
  email: UserEmail;
  user: User;
  plan: PlannedMail;
  /** Saves the new user and/or email, in the transaction that writes the link. */
  save?: (manager: EntityManager) => Promise<void>;
}

export interface SentMagicLink {
  userId: string;
  emailId: string;
  userCreated: boolean;
}

/**
 * send, login_or_create, invite and revoke_invite. Each request checks everything first, then writes the user
 * changes, the link and its delivery record in one transaction, answers, and leaves the mail to the queue.
 */
@Injectable()
export class EmailMagicLinksService {
  private readonly logger = new Logger('EmailMagicLinks');

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    private readonly transactions: TransactionsService,
    @InjectRepository(User) private readonly usersRepository: Repository<User>,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly tokens: TokenService,
    private readonly sealer: TokenSealer,
    private readonly templates: EmailTemplatesService,
    private readonly queue: EmailQueue,
    private readonly store: EmailMagicLinksStore,
    private readonly metrics: MagicLinksMetrics,
  ) {}

  /**
   * A login link to an existing user's email (a sign-up link while the user is pending). With user_id, or a
   * session_token / session_jwt, the email is first added, unverified, to that user.
   */
  async send(dto: SendEmailMagicLinkDto): Promise<SentMagicLink> {
    this.checkLoginOrSignup(dto);
    const owner = await this.ownerOf(dto);
    const existing = await this.findEmail(dto.email);
    if (owner && existing && existing.userId !== owner.id) throw new StytchException('duplicate_email');
    if (!owner && !existing) throw new StytchException('email_not_found');
    const user = owner ?? existing!.user;
    const plan = this.planLoginOrSignup(dto, user.status === 'pending' ? 'signup' : 'login');
    if (existing)
      return { userId: user.id, emailId: await this.commit({ email: existing, user, plan }), userCreated: false };
    const email = this.users.newEmail(user.id, dto.email);
    const emailId = await this.commit({
      email,
      user,
      plan,
      save: (manager) => manager.save(email).then(() => undefined),
    });
    return { userId: user.id, emailId, userCreated: false };
  }

  /** A login link for an active user, a sign-up link for a pending or new one (created here). */
  async loginOrCreate(dto: LoginOrCreateEmailDto, raced = false): Promise<SentMagicLink> {
    this.checkLoginOrSignup(dto);
    const existing = await this.findEmail(dto.email);
    if (existing) {
      const plan = this.planLoginOrSignup(dto, existing.user.status === 'pending' ? 'signup' : 'login');
      const emailId = await this.commit({ email: existing, user: existing.user, plan });
      return { userId: existing.userId, emailId, userCreated: false };
    }
    const plan = this.planLoginOrSignup(dto, 'signup');
    const user = this.users.newUser(dto.create_user_as_pending ? 'pending' : 'active');
    try {
      const emailId = await this.commit({ ...this.newUserAndEmail(user, dto.email), plan });
      return { userId: user.id, emailId, userCreated: true };
    } catch (error) {
      // Another request created this email's user first: answer as for an existing user.
      if (!raced && error instanceof StytchException && error.errorType === 'duplicate_email') {
        return this.loginOrCreate(dto, true);
      }
      throw error;
    }
  }

  /** Creates a pending user (or keeps the pending one) and sends the invite link. */
  async invite(dto: InviteEmailDto): Promise<SentMagicLink> {
    const plan = this.plan('invite', {
      requestedUrl: dto.invite_magic_link_url,
      expirationMinutes: dto.invite_expiration_minutes,
      templateId: dto.invite_template_id,
      locale: dto.locale,
      codeChallenge: undefined,
      attributes: dto.attributes,
    });
    const existing = await this.findEmail(dto.email);
    if (existing) {
      if (existing.user.status !== 'pending') throw new StytchException('user_already_active');
      const emailId = await this.commit({ email: existing, user: existing.user, plan });
      return { userId: existing.userId, emailId, userCreated: false };
    }
    const user = this.users.newUser('pending', dto);
    const emailId = await this.commit({ ...this.newUserAndEmail(user, dto.email), plan });
    return { userId: user.id, emailId, userCreated: true };
  }

  /**
   * Revokes a pending invite: the pending user goes, with its links and the mail not yet sent (deleting the
   * delivery record cancels it; a worker that finds it gone sends nothing).
   */
  async revokeInvite(email: string): Promise<void> {
    const existing = await this.findEmail(email);
    if (!existing) throw new StytchException('email_not_found');
    if (existing.user.status !== 'pending') throw new StytchException('user_already_active');
    await this.usersRepository.delete({ id: existing.userId, status: 'pending' });
  }

  /** The user a send adds the email to: named by user_id, or by session_token / session_jwt, or none. */
  private async ownerOf(dto: SendEmailMagicLinkDto): Promise<User | undefined> {
    const bySession = dto.session_token || dto.session_jwt ? await this.sessions.resolveUserId(dto) : undefined;
    if (dto.user_id === undefined && bySession === undefined) return undefined;
    const user = await this.usersRepository.findOne({
      where: dto.user_id !== undefined ? this.users.whereUserId(dto.user_id) : { id: bySession! },
    });
    if (!user) throw new StytchException('user_not_found');
    if (bySession !== undefined && user.id !== bySession) {
      throw new StytchException(
        'user_id_mismatch',
        'user_id names a different user than the session: pass one of them.',
      );
    }
    return user;
  }

  private findEmail(address: string): Promise<(UserEmail & { user: User }) | null> {
    return this.store.findEmail(normalizeEmail(address));
  }

  /**
   * Checks what the request says for both kinds before any lookup, so a typo in the URL or template of the kind
   * not used now fails at once, not on the user's next request.
   */
  private checkLoginOrSignup(dto: LoginOrSignup): void {
    if (dto.login_magic_link_url !== undefined) {
      chooseRedirectUrl(this.options.redirectUrls, 'login', dto.login_magic_link_url);
    }
    if (dto.signup_magic_link_url !== undefined) {
      chooseRedirectUrl(this.options.redirectUrls, 'signup', dto.signup_magic_link_url);
    }
    this.templates.check(dto.login_template_id);
    this.templates.check(dto.signup_template_id);
  }

  private planLoginOrSignup(dto: LoginOrSignup, kind: 'login' | 'signup'): PlannedMail {
    return this.plan(kind, {
      requestedUrl: kind === 'login' ? dto.login_magic_link_url : dto.signup_magic_link_url,
      expirationMinutes: kind === 'login' ? dto.login_expiration_minutes : dto.signup_expiration_minutes,
      templateId: kind === 'login' ? dto.login_template_id : dto.signup_template_id,
      locale: dto.locale,
      codeChallenge: dto.code_challenge,
      attributes: dto.attributes,
    });
  }

  private plan(
    kind: EmailKind,
    request: {
      requestedUrl: string | undefined;
      expirationMinutes: number | undefined;
      templateId: string | undefined;
      locale: EmailLocale | undefined;
      codeChallenge: string | undefined;
      attributes: AttributesDto | undefined;
    },
  ): PlannedMail {
    const redirectUrl = chooseRedirectUrl(this.options.redirectUrls, kind as RedirectUrlType, request.requestedUrl);
    this.templates.check(request.templateId);
    // Fail now, not in the worker, when the gateway cannot build the link at all.
    publicUrlForEmail(this.options);
    return {
      kind,
      redirectUrl,
      expirationMinutes: request.expirationMinutes ?? DEFAULT_EMAIL_EXPIRATION_MINUTES[kind],
      templateId: request.templateId,
      locale: request.locale ?? 'en',
      codeChallenge: request.codeChallenge,
      attributes: request.attributes,
    };
  }

  private newUserAndEmail(user: User, address: string): Pick<MailToSend, 'email' | 'user' | 'save'> {
    const email = this.users.newEmail(user.id, address);
    return {
      email,
      user,
      save: async (manager) => {
        await manager.save(user);
        await manager.save(email);
      },
    };
  }

  /**
   * The user changes a request makes, the link and its delivery record, all or nothing. After that the delivery is
   * queued; if that fails (Redis is down) the answer is still a success, and the sweeper delivers it later. First it
   * waits for room in the queue, so that sends are not accepted faster than mail goes out.
   */
  private async commit({ email, user, plan, save }: MailToSend): Promise<string> {
    await this.queue.room();
    const { token, hash } = this.tokens.mint();
    const now = new Date();
    const linkId = newId('magic-link', this.options.environment);
    const deliveryId = newId('email-delivery', this.options.environment);
    const link: NewEmailedLink = {
      id: linkId,
      tokenHash: hash,
      userId: user.id,
      emailId: email.id,
      type: plan.kind,
      redirectUrl: plan.redirectUrl,
      locale: plan.locale,
      codeChallenge: plan.codeChallenge ?? null,
      ipAddress: plan.attributes?.ip_address ?? null,
      userAgent: plan.attributes?.user_agent ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + plan.expirationMinutes * 60_000),
    };
    const delivery: NewDelivery = {
      id: deliveryId,
      magicLinkId: linkId,
      userId: user.id,
      toAddress: email.email,
      kind: plan.kind,
      locale: plan.locale,
      templateId: plan.templateId ?? null,
      sealedToken: this.sealer.seal(token, deliveryId),
      nextAttemptAt: now,
      createdAt: now,
    };
    try {
      if (save) {
        await this.transactions.run(async (manager) => {
          await save(manager);
          await this.store.insert(link, delivery, manager);
        });
      } else {
        await this.store.insert(link, delivery);
      }
    } catch (error) {
      if (isUniqueViolation(error)) throw new StytchException('duplicate_email');
      throw error;
    }
    this.metrics.emailedLinkCreated(plan.kind, email.email);
    this.queue.enqueue(deliveryId, 0, 0).catch((error: unknown) => {
      this.logger.warn(`delivery ${deliveryId}: not queued now (${String(error)}); the sweeper will deliver it`);
    });
    return email.id;
  }
}
