import { Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { ApiBodyExample } from '../http/api-body-example.decorator.js';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { StytchApi } from '../http/stytch-api.decorator.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import {
  CreateUserResponse,
  DeleteUserResponse,
  GetUserResponse,
  UpdateUserResponse,
  UserChangedResponse,
} from './dto/user.response.js';
import { presentUser } from './user.presenter.js';
import { UsersService } from './users.service.js';
import { StytchBody } from '../http/stytch-body.decorator.js';
import { StytchParam } from '../http/stytch-param.decorator.js';

const USER_ID_PARAM = {
  name: 'user_id',
  type: String,
  description: 'The user_id, or the external_id the user was created with.',
  example: 'user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6',
};

@ApiTags(MAGIC_LINKS_API_TAGS.users.name)
@StytchApi()
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create a user',
    description: 'Adds a user with one (unverified) email address.',
    operationId: 'api_user_v1_Create',
  })
  @ApiBodyExample(CreateUserDto, { email: 'ada@example.com', name: { first_name: 'Ada', last_name: 'Lovelace' } })
  @ApiOkResponse({ type: CreateUserResponse })
  @ApiStytchErrors('invalid_email', 'duplicate_email', 'duplicate_user_external_id', 'bad_request')
  async create(@StytchBody() dto: CreateUserDto): Promise<Omit<CreateUserResponse, 'request_id' | 'status_code'>> {
    const { user, email } = await this.users.create(dto);
    return { user_id: user.id, email_id: email.id, status: user.status, phone_id: '', user: presentUser(user) };
  }

  @Get(':user_id')
  @ApiOperation({
    summary: 'Get a user',
    description: 'The User object, flat beside request_id and status_code.',
    operationId: 'api_user_v1_Get',
  })
  @ApiParam(USER_ID_PARAM)
  @ApiOkResponse({ type: GetUserResponse })
  @ApiStytchErrors('user_not_found', 'invalid_user_id')
  async get(@StytchParam('user_id') userId: string): Promise<ReturnType<typeof presentUser>> {
    return presentUser(await this.users.get(userId));
  }

  @Put(':user_id')
  @ApiOperation({
    summary: 'Update a user',
    description:
      'Changes the fields given and keeps the others. trusted_metadata and untrusted_metadata are merged at the top ' +
      'level (a key set to null is deleted); name keeps the parts not given; external_id and roles are replaced. ' +
      'Emails are added by sending a magic link with user_id, and removed with DELETE /v1/users/emails/{email_id}.',
    operationId: 'api_user_v1_Update',
  })
  @ApiParam(USER_ID_PARAM)
  @ApiBodyExample(
    UpdateUserDto,
    { name: { first_name: 'Ada', last_name: 'King' }, trusted_metadata: { plan: 'enterprise', trial_ends_at: null } },
    'Put the user_id of a user you created',
  )
  @ApiOkResponse({ type: UpdateUserResponse })
  @ApiStytchErrors(
    'user_not_found',
    'invalid_user_id',
    'duplicate_user_external_id',
    'metadata_invalid_format',
    'metadata_too_many_keys',
    'metadata_too_large',
    'bad_request',
  )
  async update(
    @StytchParam('user_id') userId: string,
    @StytchBody() dto: UpdateUserDto,
  ): Promise<Omit<UpdateUserResponse, 'request_id' | 'status_code'>> {
    const user = presentUser(await this.users.update(userId, dto));
    return { user_id: user.user_id, emails: user.emails, phone_numbers: [], crypto_wallets: [], user };
  }

  @Delete(':user_id/external_id')
  @ApiOperation({
    summary: "Delete a user's external_id",
    description: 'Removes the external_id, which another user may then take. A user without one is returned as is.',
    operationId: 'api_user_v1_DeleteExternalId',
  })
  @ApiParam(USER_ID_PARAM)
  @ApiOkResponse({ type: UserChangedResponse })
  @ApiStytchErrors('user_not_found', 'invalid_user_id')
  async deleteExternalId(
    @StytchParam('user_id') userId: string,
  ): Promise<Omit<UserChangedResponse, 'request_id' | 'status_code'>> {
    const user = presentUser(await this.users.deleteExternalId(userId));
    return { user_id: user.user_id, user };
  }

  @Delete(':user_id')
  @ApiOperation({
    summary: 'Delete a user',
    description: 'Deletes the user, its emails and its magic links.',
    operationId: 'api_user_v1_Delete',
  })
  @ApiParam(USER_ID_PARAM)
  @ApiOkResponse({ type: DeleteUserResponse })
  @ApiStytchErrors('user_not_found', 'invalid_user_id')
  async delete(@StytchParam('user_id') userId: string): Promise<{ user_id: string }> {
    return { user_id: await this.users.delete(userId) };
  }
}
