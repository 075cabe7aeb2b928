import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { map, Observable } from 'rxjs';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { requestIdOf } from './request-id.js';

/** Adds the `request_id` and `status_code` that every Stytch success body carries. */
@Injectable()
export class StytchResponseInterceptor implements NestInterceptor {
  constructor(@InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request_id = requestIdOf(http.getRequest(), this.options.environment);
    return next.handle().pipe(
      map((body: object) => ({
        request_id,
        ...body,
        status_code: http.getResponse<{ statusCode: number }>().statusCode,
      })),
    );
  }
}
