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

  @Options('*')
  @HttpCode(204)
  preflight(@Req() request: SdkRequest, @Res({ passthrough: true }) reply: SdkReply): void {
    this.origins.preflight(request, reply);
  }
}
