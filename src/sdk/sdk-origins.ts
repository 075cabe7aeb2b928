import { Injectable } from '@nestjs/common';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { StytchException } from '../http/stytch.exception.js';

export interface SdkRequest {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** What Fastify's reply and Express's response both offer for headers. */
export interface SdkReply {
  header(name: string, value: string): unknown;
}

/** The headers the SDK's network client sends (packages/core NetworkClient): a preflight must allow each. */
const SDK_REQUEST_HEADERS = 'Authorization, Content-Type, X-SDK-Client, X-SDK-Parent-Host';
/** Browsers cache a preflight this long (Chromium caps it at 2 hours). */
const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/**
 * The project's authorized browser origins, enforced twice: by CORS (a browser shows a page on any other origin
 * nothing, not even the error), and on every request, whose `Origin` must be listed (a request without one, or
 * from another origin, is refused with `origin_not_authorized`). A non-browser client can forge `Origin`; what
 * stops it is the same as on Stytch: the rate limits and the redirect-URL registry.
 */
@Injectable()
export class SdkOrigins {
  private readonly authorized: ReadonlySet<string>;

  constructor(@InjectMagicLinksOptions() options: ResolvedMagicLinksOptions) {
    this.authorized = new Set(options.sdk.authorizedOrigins);
  }

  /** The request's origin when it is authorized, after telling the browser so; else `origin_not_authorized`. */
  admit(request: SdkRequest, reply: SdkReply): string {
    // The answer depends on Origin: a cache between browser and gateway must not serve one origin's to another.
    reply.header('Vary', 'Origin');
    const origin = originOf(request);
    if (origin === undefined || !this.authorized.has(origin)) {
      throw new StytchException(
        'origin_not_authorized',
        origin === undefined
          ? 'The frontend SDK API answers browsers only, and this request has no Origin header: call it from a page ' +
              'whose origin is authorized (MAGIC_LINKS_SDK_AUTHORIZED_ORIGINS, or the sdk.authorizedOrigins option).'
          : `The origin ${origin} may not call the frontend SDK API: add it to the authorized origins ` +
              '(MAGIC_LINKS_SDK_AUTHORIZED_ORIGINS, or the sdk.authorizedOrigins option).',
      );
    }
    reply.header('Access-Control-Allow-Origin', origin);
    // The SDK's fetch sends credentials: 'include'; without this header the browser hides every answer.
    reply.header('Access-Control-Allow-Credentials', 'true');
    return origin;
  }

  /** The answer to a CORS preflight from an authorized origin; `origin_not_authorized` for any other. */
  preflight(request: SdkRequest, reply: SdkReply): void {
    this.admit(request, reply);
    reply.header('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE');
    reply.header('Access-Control-Allow-Headers', SDK_REQUEST_HEADERS);
    reply.header('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
  }

  /** Lets an authorized origin read an error answer too; any other origin still reads nothing. */
  exposeError(request: SdkRequest, reply: SdkReply): void {
    const origin = originOf(request);
    reply.header('Vary', 'Origin');
    if (origin !== undefined && this.authorized.has(origin)) {
      reply.header('Access-Control-Allow-Origin', origin);
      reply.header('Access-Control-Allow-Credentials', 'true');
    }
  }
}

function originOf(request: SdkRequest): string | undefined {
  const origin = request.headers.origin;
  return typeof origin === 'string' && origin !== '' && origin !== 'null' ? origin : undefined;
}
