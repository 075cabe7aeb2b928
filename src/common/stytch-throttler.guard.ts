import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { StytchException } from './stytch.exception.js';

/** `@nestjs/throttler`'s guard, answering `429 too_many_requests` with a plain `Retry-After` (seconds). */
@Injectable()
export class StytchThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const { res } = this.getRequestResponse(context);
    res.header('Retry-After', String(Math.max(1, detail.timeToBlockExpire)));
    throw new StytchException('too_many_requests');
  }
}
