import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { StytchException } from '../http/stytch.exception.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import { MagicLinksOptionsError, type ResolvedMagicLinksOptions } from '../options/magic-links.options.js';

/** `Authorization: Bearer <metrics.bearerToken>`, compared in constant time (hashes of equal length). */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@InjectMagicLinksOptions() options: ResolvedMagicLinksOptions) {
    // The route exists only when the host asked for it, so a missing token is a mistake to report at start-up.
    if (options.metrics.bearerToken === undefined) {
      throw new MagicLinksOptionsError(
        'metricsEndpoint: true needs metrics.bearerToken (at least 16 characters), the token Prometheus presents.',
      );
    }
    this.expected = digest(options.metrics.bearerToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const header: unknown = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>()
      .headers.authorization;
    const match = typeof header === 'string' ? /^Bearer (\S+)$/i.exec(header.trim()) : null;
    if (!timingSafeEqual(digest(match?.[1] ?? ''), this.expected)) {
      throw new StytchException('unauthorized_credentials');
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
