import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { StytchException } from '../http/stytch.exception.js';

/** `@nestjs/throttler`'s guard, answering `429 too_many_requests` with a plain `Retry-After` (seconds). */
@Injectable()
export class StytchThrottlerGuard extends ThrottlerGuard {
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
    throw new StytchException('too_many_requests');
  }
}
