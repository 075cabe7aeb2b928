import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';

/** A typical global guard of a host: it sees every request, the module's included, and lets them through. */
@Injectable()
export class RequestLogGuard implements CanActivate {
  private readonly logger = new Logger('Requests');

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ method: string; path: string }>();
    this.logger.debug(`${request.method} ${request.path}`);
    return true;
  }
}
