import { Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { ApiBodyExample } from '../http/api-body-example.decorator.js';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { StytchApi } from '../http/stytch-api.decorator.js';
import { presentUser } from '../users/user.presenter.js';
import { AuthenticateSessionDto } from './dto/authenticate-session.dto.js';
import { GetSessionsDto } from './dto/get-sessions.dto.js';
import { RevokeSessionDto } from './dto/revoke-session.dto.js';
import { AuthenticateSessionResponse, GetSessionsResponse, RevokeSessionResponse } from './dto/session.response.js';
import { SessionsService } from './sessions.service.js';
import { StytchBody } from '../http/stytch-body.decorator.js';
import { StytchQuery } from '../http/stytch-query.decorator.js';

type Body<T> = Omit<T, 'request_id' | 'status_code'>;

@ApiTags(MAGIC_LINKS_API_TAGS.sessions.name)
@StytchApi()
@Controller('v1/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({
    summary: "List a user's sessions",
    description: 'The sessions of the user that have neither expired nor been revoked, oldest first.',
  })
  @ApiOkResponse({ type: GetSessionsResponse })
  @ApiStytchErrors('invalid_user_id', 'user_not_found')
  async list(@StytchQuery() query: GetSessionsDto): Promise<Body<GetSessionsResponse>> {
    return { sessions: await this.sessions.list(query.user_id) };
  }

  @Post('authenticate')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Authenticate a session',
    description:
      'Checks a session by its session_token or session_jwt (exactly one) and returns it with a fresh JWT. ' +
      'session_duration_minutes extends it to end that many minutes from now; session_custom_claims updates its ' +
      'claims. An expired JWT is accepted while its session lives: that is how a client refreshes it.',
  })
  @ApiBodyExample(
    AuthenticateSessionDto,
    { session_token: 'mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q', session_duration_minutes: 60 },
    'Put the session_token that authenticate returned',
  )
  @ApiOkResponse({ type: AuthenticateSessionResponse })
  @ApiStytchErrors(
    'session_not_found',
    'no_session_arguments',
    'too_many_session_arguments',
    'unable_to_parse_session_jwt',
    'invalid_session_token',
    'invalid_session_duration_minutes',
    'custom_claims_too_large',
    'stytch_claims_in_custom_claims',
  )
  async authenticate(@StytchBody() dto: AuthenticateSessionDto): Promise<Body<AuthenticateSessionResponse>> {
    const { session, sessionToken, sessionJwt, user } = await this.sessions.authenticate(dto);
    return { session, session_token: sessionToken, session_jwt: sessionJwt, user: presentUser(user) };
  }

  @Post('revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke a session',
    description:
      'Ends a session at once, named by exactly one of session_id, session_token or session_jwt. Its JWTs still ' +
      'verify locally until they expire (at most 5 minutes); remote checks refuse them immediately.',
  })
  @ApiBodyExample(
    RevokeSessionDto,
    { session_id: 'session-test-fe6c042b-6286-479f-8a4f-b046a6c46509' },
    'Put the session_id of a session you started',
  )
  @ApiOkResponse({ type: RevokeSessionResponse })
  @ApiStytchErrors(
    'session_not_found',
    'no_session_revoke_arguments',
    'too_many_session_revoke_arguments',
    'invalid_session_id',
    'unable_to_parse_session_jwt',
  )
  async revoke(@StytchBody() dto: RevokeSessionDto): Promise<Body<RevokeSessionResponse>> {
    await this.sessions.revoke(dto);
    return {};
  }
}
