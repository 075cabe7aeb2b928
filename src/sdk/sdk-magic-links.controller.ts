import { Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { DeviceAttributes } from '../device/device-attributes.decorator.js';
import { LoginOrCreateEmailResponse, SendEmailMagicLinkResponse } from '../email/dto/email-magic-link.response.js';
import { EmailRateLimited } from '../email/email-rate-limits.js';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { StytchBody } from '../http/stytch-body.decorator.js';
import { AuthenticateMagicLinkResponse } from '../magic-links/dto/magic-link.response.js';
import { presentUser } from '../users/user.presenter.js';
import { SdkAuthenticateMagicLinkDto } from './dto/sdk-authenticate-magic-link.dto.js';
import { SdkSendEmailDto } from './dto/sdk-send-email.dto.js';
import { ApiSdkOkResponse, SdkApi } from './sdk-api.decorator.js';
import { SdkSessionToken } from './sdk-credentials.js';
import { SdkService } from './sdk.service.js';

type Body<T> = Omit<T, 'request_id' | 'status_code'>;

const SENDING_ERRORS = [
  'invalid_email',
  'invalid_expiration',
  'invalid_locale',
  'invalid_login_magic_link_url',
  'invalid_signup_magic_link_url',
  'no_match_for_provided_magic_link_url',
  'no_default_login_redirect_url_set',
  'no_default_signup_redirect_url_set',
  'email_template_not_found',
  'invalid_pkce_code_challenge',
  'bad_request',
] as const;

@SdkApi()
@Controller('sdk/v1/magic_links')
export class SdkMagicLinksController {
  constructor(private readonly sdk: SdkService) {}

  @Post('email/login_or_create')
  @HttpCode(200)
  @EmailRateLimited()
  @ApiOperation({
    summary: 'Log in or create a user by email (SDK)',
    description:
      "`magicLinks.email.loginOrCreate` and the prebuilt login form: as the backend's login_or_create, with the " +
      "request's own device attributes, and the PKCE challenge the SDK sends when the project requires it.",
  })
  @ApiSdkOkResponse(LoginOrCreateEmailResponse)
  @ApiStytchErrors(...SENDING_ERRORS)
  async loginOrCreate(
    @StytchBody() dto: SdkSendEmailDto,
    @DeviceAttributes() device: DeviceAttributes,
  ): Promise<Body<LoginOrCreateEmailResponse>> {
    const sent = await this.sdk.loginOrCreate(dto, attributesOf(device));
    return { user_id: sent.userId, email_id: sent.emailId, user_created: sent.userCreated };
  }

  @Post('email/send/primary')
  @HttpCode(200)
  @EmailRateLimited()
  @ApiOperation({
    summary: "Send a magic link to an existing user's email (SDK, signed out)",
    description: '`magicLinks.email.send` with no session: a login link to the user the address belongs to.',
  })
  @ApiSdkOkResponse(SendEmailMagicLinkResponse)
  @ApiStytchErrors(...SENDING_ERRORS, 'email_not_found')
  async sendPrimary(
    @StytchBody() dto: SdkSendEmailDto,
    @DeviceAttributes() device: DeviceAttributes,
  ): Promise<Body<SendEmailMagicLinkResponse>> {
    const sent = await this.sdk.send(dto, attributesOf(device), undefined);
    return { user_id: sent.userId, email_id: sent.emailId };
  }

  @Post('email/send/secondary')
  @HttpCode(200)
  @EmailRateLimited()
  @ApiOperation({
    summary: 'Add an email to the signed-in user and send it a magic link (SDK)',
    description: "`magicLinks.email.send` with a session: the address is added, unverified, to the session's user.",
  })
  @ApiSdkOkResponse(SendEmailMagicLinkResponse)
  @ApiStytchErrors(...SENDING_ERRORS, 'duplicate_email', 'session_not_found')
  async sendSecondary(
    @StytchBody() dto: SdkSendEmailDto,
    @DeviceAttributes() device: DeviceAttributes,
    @SdkSessionToken() sessionToken: string | undefined,
  ): Promise<Body<SendEmailMagicLinkResponse>> {
    const sent = await this.sdk.send(dto, attributesOf(device), sessionToken);
    return { user_id: sent.userId, email_id: sent.emailId };
  }

  @Post('authenticate')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Authenticate a magic link (SDK)',
    description:
      '`magicLinks.authenticate(token, { session_duration_minutes })`: consumes the token (checking the PKCE ' +
      'verifier the SDK kept) and starts a session, or adds the factor to the live session of the Authorization header.',
  })
  @ApiSdkOkResponse(AuthenticateMagicLinkResponse)
  @ApiStytchErrors(
    'magic_link_not_found',
    'unable_to_auth_magic_link',
    'pkce_mismatch',
    'pkce_expected_code_verifier',
    'pkce_did_not_expect_code_verifier',
    'invalid_token',
    'invalid_session_duration_minutes',
  )
  async authenticate(
    @StytchBody() dto: SdkAuthenticateMagicLinkDto,
    @DeviceAttributes() device: DeviceAttributes,
    @SdkSessionToken() sessionToken: string | undefined,
  ): Promise<Body<AuthenticateMagicLinkResponse>> {
    const { link, user, session } = await this.sdk.authenticate(dto, attributesOf(device), sessionToken);
    return {
      user_id: user.id,
      method_id: link.emailId ?? link.id,
      session_token: session.sessionToken,
      session_jwt: session.sessionJwt,
      user: presentUser(user),
      reset_sessions: false,
      session: session.session,
    };
  }
}

function attributesOf(device: DeviceAttributes): { ip_address: string; user_agent: string } {
  return { ip_address: device.ip_address, user_agent: device.user_agent };
}
