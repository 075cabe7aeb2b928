import { applyDecorators, UseFilters, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { ApiBasicAuth } from '@nestjs/swagger';
import { ApiStytchErrors } from './api-stytch-errors.decorator.js';
import { BasicAuthGuard } from './basic-auth.guard.js';
import { JsonBodyGuard } from './json-body.guard.js';
import { StytchExceptionFilter } from './stytch-exception.filter.js';
import { StytchResponseInterceptor } from './stytch-response.interceptor.js';
import { StytchValidationPipe } from './stytch-validation.pipe.js';

/**
 * Makes a controller speak Stytch's server API: Basic auth, JSON bodies, validation into Stytch errors, the success
 * and error envelopes. Applied per controller, so the module behaves the same in any host app.
 */
export function StytchApi(): ClassDecorator {
  return applyDecorators(
    ApiBasicAuth('basicAuth'),
    ApiStytchErrors(
      'unauthorized_credentials',
      'unsupported_media_type',
      'too_many_requests',
      'internal_server_error',
      'server_unavailable',
    ),
    UseGuards(BasicAuthGuard, JsonBodyGuard),
    UsePipes(StytchValidationPipe),
    UseInterceptors(StytchResponseInterceptor),
    UseFilters(StytchExceptionFilter),
  );
}
