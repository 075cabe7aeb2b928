import { ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { StytchException } from '../http/stytch.exception.js';
import { MagicLinksMetrics } from '../metrics/magic-links-metrics.service.js';

/** `@nestjs/throttler`'s guard, answering `429 too_many_requests` with a plain `Retry-After` (seconds). */
@Injectable()
export class StytchThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    // Counts refusals by throttler when MagicLinksModule is imported where the guard is provided.
    @Optional() private readonly metrics?: MagicLinksMetrics,
  ) {
    super(options, storage, reflector);
  }

  /**
   * One budget per throttler and tracker across every route: the default key also names the controller and handler,
   * which would give a client a fresh budget on each endpoint. The key is not hashed, as the email throttlers' are
   * not: the storage is the gateway's own (memory or its Redis).
   */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const { res } = this.getRequestResponse(context);
    res.header('Retry-After', String(Math.max(1, detail.timeToBlockExpire)));
    this.metrics?.refused(this.throttlerOf(detail.key));
    throw new StytchException('too_many_requests');
  }

  /** The refusing throttler's name, which every key here starts with; a configured name, so a bounded label. */
  private throttlerOf(key: string): string {
    const name = key.slice(0, key.indexOf(':'));
    return this.throttlers.some((throttler) => throttler.name === name) ? name : 'other';
  }
}
