import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { ApiBodyExample } from '../http/api-body-example.decorator.js';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { StytchApi } from '../http/stytch-api.decorator.js';
import { StytchBody } from '../http/stytch-body.decorator.js';
import { CreateMagicLinkDto } from './dto/create-magic-link.dto.js';
import { CreateMagicLinkResponse } from './dto/magic-link.response.js';
import { MagicLinksService } from './magic-links.service.js';

/** `POST /v1/magic_links`: a token handed to the caller, not emailed. */
@ApiTags(MAGIC_LINKS_API_TAGS.embeddable.name)
@StytchApi()
@Controller('v1/magic_links')
export class EmbeddableMagicLinksController {
  constructor(private readonly magicLinks: MagicLinksService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create an embeddable magic link',
    description:
      'Create an Embeddable Magic Link token for a User. The token is a sensitive value: deliver it yourself, and ' +
      'note that authenticating it does not verify any email address.',
    operationId: 'api_magic_v1_Create',
  })
  @ApiBodyExample(
    CreateMagicLinkDto,
    { user_id: 'user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6', expiration_minutes: 60 },
    'Put the user_id of a user you created',
  )
  @ApiOkResponse({ type: CreateMagicLinkResponse, description: 'Successful response' })
  @ApiStytchErrors('invalid_expiration', 'invalid_user_id', 'user_not_found', 'bad_request')
  async create(
    @StytchBody() dto: CreateMagicLinkDto,
  ): Promise<Omit<CreateMagicLinkResponse, 'request_id' | 'status_code'>> {
    const { userId, token } = await this.magicLinks.createEmbeddable(dto);
    return { user_id: userId, token };
  }
}
