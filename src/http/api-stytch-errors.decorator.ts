import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { errorUrl, STYTCH_ERRORS, StytchErrorType } from './stytch-errors.js';
import { StytchErrorDto } from './stytch-response.dto.js';

/** Documents the Stytch errors a route can answer with, one example per `error_type`, grouped by status. */
export function ApiStytchErrors(...errorTypes: StytchErrorType[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, StytchErrorType[]>();
  for (const type of errorTypes) {
    const status = STYTCH_ERRORS[type][0];
    byStatus.set(status, [...(byStatus.get(status) ?? []), type]);
  }
  return applyDecorators(
    ApiExtraModels(StytchErrorDto),
    ...[...byStatus].map(([status, types]) =>
      ApiResponse({
        status,
        description: types.map((type) => `\`${type}\``).join(', '),
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(StytchErrorDto) },
            examples: Object.fromEntries(
              types.map((type) => [
                type,
                {
                  value: {
                    status_code: status,
                    request_id: 'request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141',
                    error_type: type,
                    error_message: STYTCH_ERRORS[type][1],
                    error_url: errorUrl(status, type),
                  },
                },
              ]),
            ),
          },
        },
      }),
    ),
  );
}
