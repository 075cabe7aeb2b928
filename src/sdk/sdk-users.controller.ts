import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { GetUserResponse } from '../users/dto/user.response.js';
import { presentUser } from '../users/user.presenter.js';
import { ApiSdkOkResponse, SdkApi } from './sdk-api.decorator.js';
import { SdkSessionToken } from './sdk-credentials.js';
import { SdkService } from './sdk.service.js';

@SdkApi()
@Controller('sdk/v1/users')
export class SdkUsersController {
  constructor(private readonly sdk: SdkService) {}

  @Get('me')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'The signed-in user (SDK)',
    description: "`user.get()`: the user of the Authorization header's session, as `GET /v1/users/{user_id}` shows it.",
  })
  @ApiSdkOkResponse(GetUserResponse)
  @ApiStytchErrors('session_not_found')
  async me(@SdkSessionToken() sessionToken: string | undefined): Promise<ReturnType<typeof presentUser>> {
    return presentUser(await this.sdk.me(sessionToken));
  }
}
