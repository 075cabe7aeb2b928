import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { StytchException } from './stytch.exception.js';

type Headers = Record<string, string | string[] | undefined>;

/**
 * Stytch's server API takes JSON bodies only. The host's body parsers may accept more (Nest parses url-encoded
 * forms by default, which browser-facing routes use), so a body of any other type is refused here with a 415
 * rather than validated as if it were the JSON the caller meant to send.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { headers } = context.switchToHttp().getRequest<{ headers: Headers }>();
    const hasBody = (headers['content-length'] ?? '0') !== '0' || headers['transfer-encoding'] !== undefined;
    const type = headers['content-type'];
    if (!hasBody || (typeof type === 'string' && /^application\/json\s*(;|$)/i.test(type))) return true;
    throw new StytchException('unsupported_media_type');
  }
}
