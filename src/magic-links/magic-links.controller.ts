import { Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { ApiBodyExample } from '../http/api-body-example.decorator.js';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { StytchApi } from '../http/stytch-api.decorator.js';
import { presentUser } from '../users/user.presenter.js';
import { AuthenticateMagicLinkDto } from './dto/authenticate-magic-link.dto.js';
import { AuthenticateMagicLinkResponse } from './dto/magic-link.response.js';
import { MagicLinksService } from './magic-links.service.js';
import { StytchBody } from '../http/stytch-body.decorator.js';

type Body<T> = Omit<T, 'request_id' | 'status_code'>;

/** Authenticate, for links of every kind; creating embeddable links is in embeddable-magic-links.controller.ts. */
@ApiTags(MAGIC_LINKS_API_TAGS.authenticate.name)
@StytchApi()
@Controller('v1/magic_links')
export class MagicLinksController {
  constructor(private readonly magicLinks: MagicLinksService) {}

  @Post('authenticate')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Authenticate a magic link',
    description:
      'Verifies that the token is valid, unexpired and unused, and that the optional PKCE and attribute checks ' +
      'pass; then consumes it. A failed check leaves the token usable.',
    operationId: 'api_magic_v1_Authenticate',
  })
  @ApiBodyExample(
    AuthenticateMagicLinkDto,
    { token: 'DOYoip3rvIMMW5lgItikFK-Ak1CfMsgjuiCyI7uuU94=', session_duration_minutes: 60 },
    'Put the token of a link you sent or created',
  )
  @ApiOkResponse({ type: AuthenticateMagicLinkResponse })
  @ApiStytchErrors(
    'magic_link_not_found',
    'unable_to_auth_magic_link',
    'attribute_mismatch',
    'pkce_mismatch',
    'pkce_expected_code_verifier',
    'pkce_did_not_expect_code_verifier',
    'invalid_token',
    'invalid_session_duration_minutes',
    'session_not_found',
    'too_many_session_arguments',
    'unable_to_parse_session_jwt',
    'user_id_mismatch',
    'custom_claims_too_large',
    'stytch_claims_in_custom_claims',
  )
  async authenticate(@StytchBody() dto: AuthenticateMagicLinkDto): Promise<Body<AuthenticateMagicLinkResponse>> {
    const { link, user, session } = await this.magicLinks.authenticate(dto);
    return {
      user_id: user.id,
      method_id: link.emailId ?? link.id,
      session_token: session?.sessionToken ?? '',
      session_jwt: session?.sessionJwt ?? '',
      user: presentUser(user),
      reset_sessions: false,
      ...(session && { session: session.session }),
    };
  }
}
