import { Injectable } from '@nestjs/common';
import type { AttributesDto } from '../device/attributes.dto.js';
import { EmailMagicLinksService, type SentMagicLink } from '../email/email-magic-links.service.js';
import { StytchException } from '../http/stytch.exception.js';
import { MagicLinksService, type AuthenticatedMagicLink } from '../magic-links/magic-links.service.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { SessionsService, type IssuedSession } from '../sessions/sessions.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { SdkAuthenticateMagicLinkDto } from './dto/sdk-authenticate-magic-link.dto.js';
import type { SdkSendEmailDto } from './dto/sdk-send-email.dto.js';

/**
 * What the SDK's calls do, in terms of the backend's services: the same users, links, mails, sessions and rules.
 * The browser chooses what a person may (an address, a registered redirect URL); the rest comes from the request
 * (its device) and from the session in its Authorization header.
 */
@Injectable()
export class SdkService {
  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    private readonly email: EmailMagicLinksService,
    private readonly magicLinks: MagicLinksService,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
  ) {}

  loginOrCreate(dto: SdkSendEmailDto, attributes: AttributesDto): Promise<SentMagicLink> {
    this.checkPkce(dto);
    return this.email.loginOrCreate({ ...dto, attributes });
  }

  /** A link to an existing user's address; with a session, the address is first added to the signed-in user. */
  send(dto: SdkSendEmailDto, attributes: AttributesDto, sessionToken: string | undefined): Promise<SentMagicLink> {
    this.checkPkce(dto);
    return this.email.send({ ...dto, attributes, ...(sessionToken !== undefined && { session_token: sessionToken }) });
  }

  /**
   * Consumes the link and starts a session, or adds the factor to the browser's live session. A session the browser
   * still names but that has ended is not an error here: the person is signing in again.
   */
  async authenticate(
    dto: SdkAuthenticateMagicLinkDto,
    attributes: AttributesDto,
    sessionToken: string | undefined,
  ): Promise<AuthenticatedMagicLink & { session: IssuedSession }> {
    if (dto.session_duration_minutes === undefined) {
      throw new StytchException(
        'invalid_session_duration_minutes',
        'session_duration_minutes is required: call magicLinks.authenticate(token, { session_duration_minutes: 60 }).',
      );
    }
    const liveSession = sessionToken !== undefined && (await this.isLive(sessionToken)) ? sessionToken : undefined;
    const authenticated = await this.magicLinks.authenticate({
      ...dto,
      attributes,
      ...(liveSession !== undefined && { session_token: liveSession }),
    });
    return { ...authenticated, session: authenticated.session! };
  }

  authenticateSession(
    sessionToken: string | undefined,
    sessionDurationMinutes: number | undefined,
  ): Promise<IssuedSession & { user: User }> {
    return this.sessions.authenticate({
      session_token: signedIn(sessionToken),
      session_duration_minutes: sessionDurationMinutes,
    });
  }

  revoke(sessionToken: string | undefined): Promise<void> {
    return this.sessions.revoke({ session_token: signedIn(sessionToken) });
  }

  async me(sessionToken: string | undefined): Promise<User> {
    const session = await this.sessions.findActiveSession({ session_token: signedIn(sessionToken) });
    return this.users.get(session.userId);
  }

  /** With PKCE required, a link can only be completed in the browser that asked for it, which holds the verifier. */
  private checkPkce(dto: SdkSendEmailDto): void {
    if (this.options.sdk.pkceRequired && dto.code_challenge === undefined) {
      throw new StytchException(
        'invalid_pkce_code_challenge',
        'This project requires PKCE for email magic links from the SDK: send code_challenge (the Stytch SDK does ' +
          'so itself once the bootstrap says pkce_required_for_email_magic_links).',
      );
    }
  }

  private async isLive(sessionToken: string): Promise<boolean> {
    try {
      await this.sessions.findActiveSession({ session_token: sessionToken });
      return true;
    } catch (error) {
      if (error instanceof StytchException && error.errorType === 'session_not_found') return false;
      throw error;
    }
  }
}

/** The session token a call needs; `unauthorized_credentials`, which the SDK takes as signed out, without one. */
function signedIn(sessionToken: string | undefined): string {
  if (sessionToken === undefined) {
    throw new StytchException(
      'unauthorized_credentials',
      'This call needs a signed-in session: the Authorization header carries no session token.',
    );
  }
  return sessionToken;
}
