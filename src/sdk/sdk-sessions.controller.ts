import { Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { StytchBody } from '../http/stytch-body.decorator.js';
import { AuthenticateSessionResponse, RevokeSessionResponse } from '../sessions/dto/session.response.js';
import { presentUser } from '../users/user.presenter.js';
import { SdkAuthenticateSessionDto } from './dto/sdk-authenticate-session.dto.js';
import { ApiSdkOkResponse, SdkApi } from './sdk-api.decorator.js';
import { SdkSessionToken } from './sdk-credentials.js';
import { SdkService } from './sdk.service.js';

type Body<T> = Omit<T, 'request_id' | 'status_code'>;

/** The session of the Authorization header: refreshed by the SDK every few minutes, revoked on sign-out. */
@SdkApi()
@Controller('sdk/v1/sessions')
export class SdkSessionsController {
  constructor(private readonly sdk: SdkService) {}

  @Post('authenticate')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Authenticate the browser session (SDK)',
    description:
      "`session.authenticate()` and the SDK's background refresh: the session with a fresh JWT, extended when " +
      'session_duration_minutes is given. Without a live session: `unauthorized_credentials` or `session_not_found`, ' +
      'which the SDK takes as signed out.',
  })
  @ApiSdkOkResponse(AuthenticateSessionResponse)
  @ApiStytchErrors('session_not_found', 'invalid_session_duration_minutes')
  async authenticate(
    @StytchBody() dto: SdkAuthenticateSessionDto,
    @SdkSessionToken() sessionToken: string | undefined,
  ): Promise<Body<AuthenticateSessionResponse>> {
    const { session, sessionJwt, user } = await this.sdk.authenticateSession(
      sessionToken,
      dto.session_duration_minutes,
    );
    return { session, session_token: sessionToken!, session_jwt: sessionJwt, user: presentUser(user) };
  }

  @Post('revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke the browser session (SDK)',
    description: '`session.revoke()`: ends the session of the Authorization header at once.',
  })
  @ApiSdkOkResponse(RevokeSessionResponse)
  @ApiStytchErrors('session_not_found')
  async revoke(@SdkSessionToken() sessionToken: string | undefined): Promise<Body<RevokeSessionResponse>> {
    await this.sdk.revoke(sessionToken);
    return {};
  }
}
