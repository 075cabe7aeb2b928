import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { map, Observable } from 'rxjs';
import { requestIdOf } from '../http/request-id.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';

/**
 * The SDK's success envelope: the SDK's network client returns `data` of the body and nothing else
 * (`baseFetchSDK` in @stytch/vanilla-js), with `request_id` and `status_code` inside it.
 */
@Injectable()
export class SdkResponseInterceptor implements NestInterceptor {
  constructor(@InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request_id = requestIdOf(http.getRequest(), this.options.environment);
    return next.handle().pipe(
      map((body: object) => ({
        data: { request_id, ...body, status_code: http.getResponse<{ statusCode: number }>().statusCode },
      })),
    );
  }
}
