import { Controller, Delete, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiBodyExample } from '../http/api-body-example.decorator.js';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { StytchApi } from '../http/stytch-api.decorator.js';
import { StytchBody } from '../http/stytch-body.decorator.js';
import { StytchParam } from '../http/stytch-param.decorator.js';
import { ExchangePrimaryFactorDto } from '../users/dto/exchange-primary-factor.dto.js';
import { UserChangedResponse } from '../users/dto/user.response.js';
import { presentUser } from '../users/user.presenter.js';
import { UserEmailsService } from './user-emails.service.js';

type Body = Omit<UserChangedResponse, 'request_id' | 'status_code'>;

@ApiTags(MAGIC_LINKS_API_TAGS.users.name)
@StytchApi()
@Controller('v1/users')
export class UserEmailsController {
  constructor(private readonly emails: UserEmailsService) {}

  @Delete('emails/:email_id')
  @ApiOperation({
    summary: "Delete a user's email",
    description:
      'Removes the email from its user, who stays. The links sent to it and not used yet stop working at once ' +
      '(authenticate answers 401 unable_to_auth_magic_link; a mail still queued is not sent). A user keeps at ' +
      'least one email: deleting the last one is refused.',
    operationId: 'api_user_v1_DeleteEmail',
  })
  @ApiParam({
    name: 'email_id',
    type: String,
    description: 'The email_id of one of the user’s emails.',
    example: 'email-test-81bf03a8-86e1-4d95-bd44-bb3495224953',
  })
  @ApiOkResponse({ type: UserChangedResponse })
  @ApiStytchErrors('email_not_found', 'invalid_email_id', 'cannot_delete_last_primary_factor')
  async delete(@StytchParam('email_id') emailId: string): Promise<Body> {
    const user = presentUser(await this.emails.delete(emailId));
    return { user_id: user.user_id, user };
  }

  @Put(':user_id/exchange_primary_factor')
  @ApiOperation({
    summary: "Exchange a user's only email for another",
    description:
      'An admin action for a user with exactly one email: the new address replaces it, with a new email_id, ' +
      'unverified until a magic link sent to it is authenticated. Links sent to the old address stop working.',
    operationId: 'api_user_v1_ExchangePrimaryFactor',
  })
  @ApiParam({
    name: 'user_id',
    type: String,
    description: 'The user_id, or the external_id the user was created with.',
    example: 'user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6',
  })
  @ApiBodyExample(
    ExchangePrimaryFactorDto,
    { email_address: 'ada.king@example.com' },
    'Put the user_id of a user you created',
  )
  @ApiOkResponse({ type: UserChangedResponse })
  @ApiStytchErrors(
    'user_not_found',
    'invalid_user_id',
    'invalid_email',
    'duplicate_email',
    'invalid_exchange_primary_factor_user',
    'invalid_exchange_primary_factor_fields',
  )
  async exchange(@StytchParam('user_id') userId: string, @StytchBody() dto: ExchangePrimaryFactorDto): Promise<Body> {
    const user = presentUser(await this.emails.exchange(userId, dto.email_address));
    return { user_id: user.user_id, user };
  }
}
