import { createParamDecorator, type ExecutionContext, type Type } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { dtoTypeOf } from './dto-type-of.js';
import { validateStytchInput } from './stytch-validation.js';

const ValidatedBody = createParamDecorator((dto: Type<object>, context: ExecutionContext) =>
  validateStytchInput(dto, context.switchToHttp().getRequest<{ body?: unknown }>().body, 'body'),
);

/**
 * The request body, validated into the parameter's DTO class with Stytch's errors (`validateStytchInput`).
 * A custom parameter decorator rather than `@Body()` plus a pipe: Nest runs a host's global pipes before a
 * controller's, and skips custom parameters (unless `validateCustomDecorators`, which then sees an already valid
 * instance), so a host's `ValidationPipe` cannot change the module's answers.
 */
export function StytchBody(): ParameterDecorator {
  return (target, key, index) => {
    const dto = dtoTypeOf(target, key, index);
    ValidatedBody(dto)(target, key, index);
    ApiBody({ type: dto, required: true })(target, key!, Object.getOwnPropertyDescriptor(target, key!)!);
  };
}
