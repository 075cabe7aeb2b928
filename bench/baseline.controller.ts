import { Body, Controller, HttpCode, Post, UnauthorizedException } from '@nestjs/common';
import { BaselineService } from './baseline.service.js';

/**
 * The gateway's two paths with none of its work around the SQL: no auth, validation, envelope or user lookup. An
 * authenticate that asks for a session also gets the one thing a session cannot do without: an RS256 JWT.
 */
@Controller('v1/magic_links')
export class BaselineController {
  constructor(private readonly links: BaselineService) {}

  @Post()
  @HttpCode(200)
  async create(@Body() body: { user_id: string }): Promise<{ user_id: string; token: string }> {
    return { user_id: body.user_id, token: await this.links.create(body.user_id) };
  }

  @Post('authenticate')
  @HttpCode(200)
  async authenticate(
    @Body() body: { token: string; session_duration_minutes?: number },
  ): Promise<{ authenticated: true; session_jwt?: string }> {
    if (!(await this.links.consume(body.token))) throw new UnauthorizedException();
    if (body.session_duration_minutes === undefined) return { authenticated: true };
    return { authenticated: true, session_jwt: await this.links.sessionJwt(body.session_duration_minutes) };
  }
}
