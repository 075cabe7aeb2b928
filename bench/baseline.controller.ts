import { Body, Controller, HttpCode, Post, UnauthorizedException } from '@nestjs/common';
import type { UserResponse } from '../src/users/dto/user.response.js';
import { presentUser } from '../src/users/user.presenter.js';
import { BaselineService } from './baseline.service.js';

/**
 * The gateway's two paths with none of its work around the SQL: no auth, validation, envelope or user lookup. An
 * authenticate that asks for a session also gets the one thing a session cannot do without: an RS256 JWT. A third
 * route answers an authenticate as the gateway must (see `authenticateAsGateway`).
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

  /**
   * The floor of the gateway's authenticate on bare Nest: its own statement and User answer (`presentUser`), with a
   * session row and one RS256 signature when a session is asked for, and still no auth, validation, envelope,
   * logging, rate limiting or security headers.
   */
  @Post('authenticate_as_gateway')
  @HttpCode(200)
  async authenticateAsGateway(
    @Body() body: { token: string; session_duration_minutes?: number },
  ): Promise<{ user_id: string; user: UserResponse; session_jwt?: string }> {
    const minutes = body.session_duration_minutes;
    const user =
      minutes === undefined
        ? await this.links.consumeWithUser(body.token)
        : await this.links.consumeStartingSession(body.token, minutes);
    if (!user) throw new UnauthorizedException();
    if (minutes === undefined) return { user_id: user.id, user: presentUser(user) };
    return { user_id: user.id, user: presentUser(user), session_jwt: await this.links.sessionJwt(minutes) };
  }
}
