import { createParamDecorator, type ExecutionContext, type Type } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { dtoTypeOf } from './dto-type-of.js';
import { validateStytchInput } from './stytch-validation.js';

const ValidatedQuery = createParamDecorator((dto: Type<object>, context: ExecutionContext) =>
  validateStytchInput(dto, context.switchToHttp().getRequest<{ query?: unknown }>().query, 'query'),
);

/**
 * The query string, validated into the parameter's DTO class with Stytch's errors, out of reach of a host's global
 * pipes (see `StytchBody`).
 */
export function StytchQuery(): ParameterDecorator {
  return (target, key, index) => {
    const dto = dtoTypeOf(target, key, index);
    ValidatedQuery(dto)(target, key, index);
    ApiQuery({ type: dto })(target, key!, Object.getOwnPropertyDescriptor(target, key!)!);
  };
}
