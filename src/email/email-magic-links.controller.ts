import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { ApiBodyExample } from '../http/api-body-example.decorator.js';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { StytchApi } from '../http/stytch-api.decorator.js';
import { InviteEmailDto } from './dto/invite-email.dto.js';
import { LoginOrCreateEmailDto } from './dto/login-or-create-email.dto.js';
import { RevokeInviteEmailDto } from './dto/revoke-invite-email.dto.js';
import { SendEmailMagicLinkDto } from './dto/send-email-magic-link.dto.js';
import {
  InviteEmailResponse,
  LoginOrCreateEmailResponse,
  RevokeInviteEmailResponse,
  SendEmailMagicLinkResponse,
} from './dto/email-magic-link.response.js';
import { EmailMagicLinksService } from './email-magic-links.service.js';
import { EmailRateLimited } from './email-rate-limits.js';
import { StytchBody } from '../http/stytch-body.decorator.js';

type Body<T> = Omit<T, 'request_id' | 'status_code'>;

/** The errors every link-sending route shares. */
const SENDING_ERRORS = [
  'invalid_email',
  'invalid_expiration',
  'invalid_locale',
  'no_match_for_provided_magic_link_url',
  'email_template_not_found',
  'bad_request',
] as const;

@ApiTags(MAGIC_LINKS_API_TAGS.email.name)
@StytchApi()
@Controller('v1/magic_links/email')
export class EmailMagicLinksController {
  constructor(private readonly email: EmailMagicLinksService) {}

  @Post('send')
  @HttpCode(200)
  @EmailRateLimited()
  @ApiOperation({
    summary: 'Send a magic link by email',
    description:
      'Send a magic link to an existing user using their email address: a login link, or a sign-up link while the ' +
      'user is pending. With `user_id`, `session_token` or `session_jwt`, the email is first added, unverified, to ' +
      'that user. The request answers once the link and its mail are recorded; the mail leaves through the queue.',
    operationId: 'api_magic_v1_email_Send',
  })
  @ApiBodyExample(SendEmailMagicLinkDto, { email: 'ada@example.com' }, 'Works once "Create a user" has run as given')
  @ApiOkResponse({ type: SendEmailMagicLinkResponse, description: 'Successful response' })
  @ApiStytchErrors(
    ...SENDING_ERRORS,
    'invalid_login_magic_link_url',
    'invalid_signup_magic_link_url',
    'no_default_login_redirect_url_set',
    'no_default_signup_redirect_url_set',
    'invalid_pkce_code_challenge',
    'invalid_user_id',
    'duplicate_email',
    'too_many_session_arguments',
    'unable_to_parse_session_jwt',
    'user_id_mismatch',
    'email_not_found',
    'user_not_found',
    'session_not_found',
  )
  async send(@StytchBody() dto: SendEmailMagicLinkDto): Promise<Body<SendEmailMagicLinkResponse>> {
    const { userId, emailId } = await this.email.send(dto);
    return { user_id: userId, email_id: emailId };
  }

  @Post('login_or_create')
  @HttpCode(200)
  @EmailRateLimited()
  @ApiOperation({
    summary: 'Log in or create a user by email',
    description:
      'Send either a login or signup Magic Link to the User based on if the email is associated with a User ' +
      'already. A new or pending User will receive a signup Magic Link. An active User will receive a login Magic Link.',
    operationId: 'api_magic_v1_email_LoginOrCreate',
  })
  @ApiBodyExample(LoginOrCreateEmailDto, { email: 'grace@example.com', locale: 'en' })
  @ApiOkResponse({ type: LoginOrCreateEmailResponse, description: 'Successful response' })
  @ApiStytchErrors(
    ...SENDING_ERRORS,
    'invalid_login_magic_link_url',
    'invalid_signup_magic_link_url',
    'no_default_login_redirect_url_set',
    'no_default_signup_redirect_url_set',
    'invalid_pkce_code_challenge',
  )
  async loginOrCreate(@StytchBody() dto: LoginOrCreateEmailDto): Promise<Body<LoginOrCreateEmailResponse>> {
    const { userId, emailId, userCreated } = await this.email.loginOrCreate(dto);
    return { user_id: userId, email_id: emailId, user_created: userCreated };
  }

  @Post('invite')
  @HttpCode(200)
  @EmailRateLimited()
  @ApiOperation({
    summary: 'Invite a user by email',
    description:
      'Create a User and send an invite Magic Link to the provided `email`. The User will be created with a ' +
      '`pending` status until they click the Magic Link in the invite email. Inviting a pending user again sends a new invite.',
    operationId: 'api_magic_v1_email_Invite',
  })
  @ApiBodyExample(InviteEmailDto, { email: 'katherine@example.com', name: { first_name: 'Katherine' } })
  @ApiOkResponse({ type: InviteEmailResponse, description: 'Successful response' })
  @ApiStytchErrors(
    ...SENDING_ERRORS,
    'invalid_invite_magic_link_url',
    'no_default_invite_redirect_url_set',
    'user_already_active',
  )
  async invite(@StytchBody() dto: InviteEmailDto): Promise<Body<InviteEmailResponse>> {
    const { userId, emailId } = await this.email.invite(dto);
    return { user_id: userId, email_id: emailId };
  }

  @Post('revoke_invite')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke a pending invite',
    description:
      'Revoke a pending invite based on the `email` provided: the pending user is deleted with its links, and an ' +
      'invite mail not yet sent is not sent.',
    operationId: 'api_magic_v1_email_RevokeInvite',
  })
  @ApiBodyExample(RevokeInviteEmailDto, { email: 'katherine@example.com' }, 'Works once "Invite" has run as given')
  @ApiOkResponse({ type: RevokeInviteEmailResponse, description: 'Successful response' })
  @ApiStytchErrors('invalid_email', 'email_not_found', 'user_already_active', 'bad_request')
  async revokeInvite(@StytchBody() dto: RevokeInviteEmailDto): Promise<Body<RevokeInviteEmailResponse>> {
    await this.email.revokeInvite(dto.email);
    return {};
  }
}
