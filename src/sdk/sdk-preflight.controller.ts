import { Controller, HttpCode, Options, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { BrowserFacing } from '../rate-limits/browser-facing.decorator.js';
import { SdkExceptionFilter } from './sdk-exception.filter.js';
import { SdkOrigins, type SdkReply, type SdkRequest } from './sdk-origins.js';

/**
 * CORS preflights of `/sdk/v1/`: every SDK call sends `Authorization` or a JSON body, so the browser asks first.
 * Only this module's routes answer them: the host's other routes keep whatever CORS policy (or none) it chose.
 */
@ApiExcludeController()
@BrowserFacing()
@UseFilters(SdkExceptionFilter)
@Controller('sdk/v1')
export class SdkPreflightController {
  constructor(private readonly origins: SdkOrigins) {}

  // The SDK API's own paths, named rather than matched by a wildcard, whose syntax differs between adapters.
  @Options([
    'projects/bootstrap/:public_token',
    'magic_links/email/login_or_create',
    'magic_links/email/send/primary',
    'magic_links/email/send/secondary',
    'magic_links/authenticate',
    'sessions/authenticate',
    'sessions/revoke',
    'users/me',
    'events',
  ])
  @HttpCode(204)
  preflight(@Req() request: SdkRequest, @Res({ passthrough: true }) reply: SdkReply): void {
    this.origins.preflight(request, reply);
  }
}
