import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { SdkOrigins, type SdkReply, type SdkRequest } from './sdk-origins.js';

/** Admits requests from the authorized browser origins only, and lets those read the answer (CORS). */
@Injectable()
export class SdkOriginGuard implements CanActivate {
  constructor(private readonly origins: SdkOrigins) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    this.origins.admit(http.getRequest<SdkRequest>(), http.getResponse<SdkReply>());
    return true;
  }
}
