import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { StytchException } from './stytch.exception.js';

/** HTTP Basic `project_id:secret`, as Stytch's server API takes it, compared in constant time. */
@Injectable()
export class BasicAuthGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@InjectMagicLinksOptions() options: ResolvedMagicLinksOptions) {
    this.expected = digest(`${options.projectId}:${options.secret}`);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers.authorization;
    const match = typeof header === 'string' ? /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim()) : null;
    const presented = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    // Hashing both sides first makes the comparison constant-time whatever the lengths.
    if (!timingSafeEqual(digest(presented), this.expected)) {
      throw new StytchException('unauthorized_credentials');
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
