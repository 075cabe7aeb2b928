import { applyDecorators, type Type, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { JsonBodyGuard } from '../http/json-body.guard.js';
import { StytchEnvelope } from '../http/stytch-envelope.js';
import { BrowserFacing } from '../rate-limits/browser-facing.decorator.js';
import { SdkExceptionFilter } from './sdk-exception.filter.js';
import { SdkOriginGuard } from './sdk-origin.guard.js';
import { SdkPublicTokenGuard } from './sdk-public-token.guard.js';

/**
 * Makes a controller speak the frontend SDK's API: authorized origins only (CORS and a check of every request),
 * the public token, JSON bodies, answers wrapped in `data`, Stytch's error envelope. Browser-facing: the SDK's
 * traffic follows the app's visitors, so it spends no project budget (it stays limited per IP and per email).
 */
export function SdkApi(options: { publicToken: boolean } = { publicToken: true }): ClassDecorator {
  return applyDecorators(
    ApiTags(MAGIC_LINKS_API_TAGS.sdk.name),
    BrowserFacing(),
    ApiHeader({ name: 'Origin', required: true, description: 'An authorized origin; browsers send it themselves.' }),
    ...(options.publicToken
      ? [
          ApiHeader({
            name: 'Authorization',
            required: true,
            description: 'Basic base64(public_token:session_token), or public_token:public_token without a session.',
          }),
        ]
      : []),
    ApiStytchErrors(
      'origin_not_authorized',
      ...(options.publicToken ? (['unauthorized_credentials'] as const) : []),
      'too_many_requests',
      'internal_server_error',
    ),
    UseGuards(SdkOriginGuard, ...(options.publicToken ? [SdkPublicTokenGuard, JsonBodyGuard] : [])),
    // The SDK's network client returns `data` of the body and nothing else (`baseFetchSDK` in @stytch/vanilla-js).
    StytchEnvelope((body) => ({ data: body })),
    UseFilters(SdkExceptionFilter),
  );
}

/** Documents a success answer as the SDK receives it: `{ data: <type> }`. */
export function ApiSdkOkResponse(type: Type<unknown>, description = 'Successful response'): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(type),
    ApiOkResponse({
      description,
      schema: { type: 'object', required: ['data'], properties: { data: { $ref: getSchemaPath(type) } } },
    }),
  );
}
