import type { Type } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';

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
  return ApiBody({ type, examples: { example: { summary, value } } });
}
