import type { Type } from '@nestjs/common';
import { ApiBody, DECORATORS } from '@nestjs/swagger';

/**
 * The body Swagger UI's "Try it out" prefills. Without one the UI samples every optional field
 * (`"phone_number": "string"`, an unregistered redirect URL…) and the request fails as sent. This is the smallest
 * body that works on a fresh gateway, or that fails only because the id in it does not exist yet;
 * test/try-it-out.e2e-spec.ts sends each one.
 */
export function ApiBodyExample(
  type: Type<unknown>,
  value: Record<string, unknown>,
  summary = 'Works as sent',
): MethodDecorator {
  const apiBody = ApiBody({ type, examples: { example: { summary, value } } });
  return (target, key, descriptor) => {
    // Swagger keeps the first body documented: replace the one `@StytchBody()` wrote (parameter decorators run first).
    const method = descriptor.value as object;
    const parameters = (Reflect.getMetadata(DECORATORS.API_PARAMETERS, method) ?? []) as { in?: string }[];
    Reflect.defineMetadata(
      DECORATORS.API_PARAMETERS,
      parameters.filter((parameter) => parameter.in !== 'body'),
      method,
    );
    return apiBody(target, key, descriptor);
  };
}
