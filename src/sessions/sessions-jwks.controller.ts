import { Controller, Get, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { StytchExceptionFilter } from '../http/stytch-exception.filter.js';
import { StytchEnvelope } from '../http/stytch-envelope.js';
import { JwksResponse } from './dto/session.response.js';
import { SessionKeysService } from './session-keys.service.js';
import { StytchParam } from '../http/stytch-param.decorator.js';

/**
 * The JWKS, in a controller of its own because it is public: the official client fetches it without
 * credentials to verify session JWTs locally. So this is `@StytchApi()` without its Basic-auth guard.
 */
@ApiTags(MAGIC_LINKS_API_TAGS.sessions.name)
@ApiStytchErrors('too_many_requests', 'internal_server_error')
@StytchEnvelope()
@UseFilters(StytchExceptionFilter)
@Controller('v1/sessions/jwks')
export class SessionsJwksController {
  constructor(private readonly keys: SessionKeysService) {}

  @Get(':project_id')
  @ApiOperation({
    summary: 'Get the JWKS',
    description:
      'The public keys that verify session JWTs, without authentication. The signing key comes first; a rotated ' +
      'key stays listed for an hour so the JWTs it signed verify until they expire.',
  })
  @ApiParam({ name: 'project_id', type: String, example: 'project-test-11111111-1111-4111-8111-111111111111' })
  @ApiOkResponse({ type: JwksResponse })
  @ApiStytchErrors('project_not_found')
  async jwks(@StytchParam('project_id') projectId: string): Promise<Omit<JwksResponse, 'request_id' | 'status_code'>> {
    return { keys: await this.keys.jwks(projectId) };
  }
}
