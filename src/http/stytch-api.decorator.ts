import { applyDecorators, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBasicAuth } from '@nestjs/swagger';
import { ApiStytchErrors } from './api-stytch-errors.decorator.js';
import { BasicAuthGuard } from './basic-auth.guard.js';
import { JsonBodyGuard } from './json-body.guard.js';
import { StytchExceptionFilter } from './stytch-exception.filter.js';
import { StytchEnvelope } from './stytch-envelope.js';

/**
 * Makes a controller speak Stytch's server API: Basic auth, JSON bodies, the success and error envelopes. Applied per
 * controller, so the module behaves the same in any host app: its filter comes before a host's global filters. Input
 * is validated by `@StytchBody()`, `@StytchQuery()` and `@StytchParam()`, out of reach of a host's global pipes.
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
    StytchEnvelope(),
    UseFilters(StytchExceptionFilter),
  );
}
