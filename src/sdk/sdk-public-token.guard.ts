import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { StytchException } from '../http/stytch.exception.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { rememberSessionToken, sdkCredentialsOf } from './sdk-credentials.js';
import type { SdkRequest } from './sdk-origins.js';

/**
 * The SDK's `Authorization: Basic public_token:session_token`: the public token must be this project's (it is
 * public: it names the project, it proves nothing); the session token, if any, is kept for the handler.
 */
@Injectable()
export class SdkPublicTokenGuard implements CanActivate {
  constructor(@InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<SdkRequest>();
    const credentials = sdkCredentialsOf(request.headers);
    if (credentials?.publicToken !== this.options.publicToken) {
      throw new StytchException(
        'unauthorized_credentials',
        credentials
          ? "The public token is not this project's: pass the public token the gateway is configured with " +
              '(MAGIC_LINKS_PUBLIC_TOKEN, or the publicToken option) to the Stytch client.'
          : 'The frontend SDK API takes Authorization: Basic base64(public_token:session_token), as the Stytch SDK sends it.',
      );
    }
    rememberSessionToken(request, credentials.sessionToken);
    return true;
  }
}
