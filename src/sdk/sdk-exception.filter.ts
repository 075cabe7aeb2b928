import { ArgumentsHost, Catch, ExceptionFilter, Injectable } from '@nestjs/common';
import { StytchExceptionFilter } from '../http/stytch-exception.filter.js';
import { SdkOrigins, type SdkReply, type SdkRequest } from './sdk-origins.js';

/**
 * Stytch's error envelope, which the SDK reads as a `StytchAPIError`, readable by authorized origins whatever
 * failed: a rate limit or a validation error raised before the origin guard ran as much as a handler's error.
 */
@Catch()
@Injectable()
export class SdkExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly origins: SdkOrigins,
    private readonly stytch: StytchExceptionFilter,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.origins.exposeError(http.getRequest<SdkRequest>(), http.getResponse<SdkReply>());
    this.stytch.catch(exception, host);
  }
}
