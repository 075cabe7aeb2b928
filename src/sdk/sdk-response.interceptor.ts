import { CallHandler, ExecutionContext, Injectable } from '@nestjs/common';
import { map, Observable } from 'rxjs';
import { StytchResponseInterceptor } from '../http/stytch-response.interceptor.js';

/**
 * The SDK's success envelope: the SDK's network client returns `data` of the body and nothing else
 * (`baseFetchSDK` in @stytch/vanilla-js), with `request_id` and `status_code` inside it.
 */
@Injectable()
export class SdkResponseInterceptor extends StytchResponseInterceptor {
  override intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return super.intercept(context, next).pipe(map((data) => ({ data })));
  }
}
