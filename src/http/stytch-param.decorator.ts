import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/**
 * A path parameter as the router decoded it, out of reach of a host's global pipes (see `StytchBody`); document it
 * with `@ApiParam`.
 */
export const StytchParam = createParamDecorator((name: string, context: ExecutionContext): string =>
  String(context.switchToHttp().getRequest<{ params: Record<string, unknown> }>().params[name] ?? ''),
);
