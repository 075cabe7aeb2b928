import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBodyExample } from '../http/api-body-example.decorator.js';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { StytchApi } from '../http/stytch-api.decorator.js';
import { StytchBody } from '../http/stytch-body.decorator.js';
import { SearchUsersDto } from './dto/search-users.dto.js';
import { SearchUsersResponse } from './dto/search-users.response.js';
import { presentUser } from './user.presenter.js';
import { UsersSearchService } from './users-search.service.js';

@ApiTags(MAGIC_LINKS_API_TAGS.users.name)
@StytchApi()
@Controller('v1/users/search')
export class UsersSearchController {
  constructor(private readonly search: UsersSearchService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Search users',
    description:
      'Users matching a query of filters joined by AND or OR, oldest first, a page at a time. An empty body lists ' +
      'every user. Page with results_metadata.next_cursor: users created or deleted meanwhile neither repeat nor ' +
      'skip anyone. Filters on factors this gateway does not have (phone, OAuth, passwords, WebAuthn, TOTP, crypto ' +
      'wallets, biometrics) and full_name_fuzzy are refused with unsupported_search_filter.',
    operationId: 'api_user_v1_Search',
  })
  @ApiBodyExample(SearchUsersDto, {
    limit: 10,
    query: { operator: 'AND', operands: [{ filter_name: 'status', filter_value: 'active' }] },
  })
  @ApiOkResponse({ type: SearchUsersResponse })
  @ApiStytchErrors(
    'invalid_search_query',
    'unsupported_search_filter',
    'too_many_search_filters',
    'invalid_limit',
    'invalid_cursor',
    'bad_request',
  )
  async searchUsers(
    @StytchBody() dto: SearchUsersDto,
  ): Promise<Omit<SearchUsersResponse, 'request_id' | 'status_code'>> {
    const page = await this.search.search(dto);
    return {
      results: page.users.map(presentUser),
      results_metadata: { total: page.total, next_cursor: page.nextCursor },
    };
  }
}
