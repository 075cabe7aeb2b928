import { ExecutionContext, SetMetadata } from '@nestjs/common';
import type { ThrottlerOptions } from '@nestjs/throttler';
import type { ProjectCredentials } from '../http/project-credentials.js';
import { isEmailAddress, normalizeEmail } from '../users/email-address.js';
import type { RateLimit } from '../options/magic-links.options.js';
import { isBrowserFacing } from '../rate-limits/browser-facing.decorator.js';

const EMAIL_RATE_LIMITED = 'magic-links:email-rate-limited';

/** Marks a route whose body's `email` is rate limited by the throttlers of `emailThrottlers()`. */
export const EmailRateLimited = (): MethodDecorator => SetMetadata(EMAIL_RATE_LIMITED, true);

export interface EmailRateLimits {
  /** Per email address, across send, login_or_create and invite (Stytch: one request per second). */
  perEmail: RateLimit;
  /** A longer cap per email address, e.g. 30 per hour. */
  perEmailLong: RateLimit;
  /** Per client IP, across the same routes. */
  perIp: RateLimit;
}

/**
 * `@nestjs/throttler` throttlers for the email routes, for the host's `ThrottlerModule.forRoot({ throttlers })`:
 * they apply only to routes marked `@EmailRateLimited()`, and their keys leave out the route, so one budget covers
 * all three. With a shared storage (Redis) the budget holds across every instance. An address's budget is spent only
 * by callers whose credentials verify: anyone else could otherwise stop a person's login mails for an hour. The
 * frontend SDK's routes (browser-facing, no secret) count every call, on a budget apart from the backend's.
 */
export function emailThrottlers(limits: EmailRateLimits, credentials: ProjectCredentials): ThrottlerOptions[] {
  const emailOf = (context: ExecutionContext): string | undefined => {
    const email = context.switchToHttp().getRequest<{ body?: { email?: unknown } }>().body?.email;
    return isEmailAddress(email) ? normalizeEmail(email) : undefined;
  };
  const marked = (context: ExecutionContext): boolean =>
    Reflect.getMetadata(EMAIL_RATE_LIMITED, context.getHandler()) === true;
  const perEmail = (name: string, limit: RateLimit): ThrottlerOptions => ({
    name,
    limit: limit.limit,
    ttl: limit.ttlSeconds * 1000,
    // An invalid email is refused by validation; it has no budget to spend. Browser-facing routes (the frontend
    // SDK's) have no secret to check: every call spends the address's budget there, a budget of its own, so that
    // strangers calling them cannot use up what the project's backend may send.
    skipIf: (context) =>
      !marked(context) ||
      emailOf(context) === undefined ||
      (!isBrowserFacing(context) &&
        !credentials.verify(context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>())),
    getTracker: (_request, context) => (isBrowserFacing(context) ? `browser:${emailOf(context)!}` : emailOf(context)!),
    generateKey: (_context, tracker, throttler) => `${throttler}:${tracker}`,
  });
  return [
    perEmail('email', limits.perEmail),
    perEmail('email_long', limits.perEmailLong),
    {
      name: 'email_ip',
      limit: limits.perIp.limit,
      ttl: limits.perIp.ttlSeconds * 1000,
      skipIf: (context) => !marked(context),
      getTracker: (request) => String(request.ip),
      generateKey: (_context, tracker, throttler) => `${throttler}:${tracker}`,
    },
  ];
}
