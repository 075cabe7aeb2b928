import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { BrowserFacing } from '../rate-limits/browser-facing.decorator.js';
import { deviceAttributesOf } from '../device/device-attributes.decorator.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import {
  RedirectRoutingService,
  type ConfirmForm,
  type PageAnswer,
  type PageRequest,
} from './redirect-routing.service.js';

interface RequestLike {
  method: string;
  url: string;
  ip?: string;
  protocol?: string;
  hostname?: string;
  headers: Record<string, string | string[] | undefined>;
  // Read from the request rather than through @Query()/@Body(), which a host's global pipes would see first.
  query?: Record<string, unknown>;
  body?: unknown;
}

/** What Fastify's reply and Express's response both offer, so the module works on either adapter. */
interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body?: string): unknown;
}

/**
 * The browser-facing side of emailed links: the page behind the link and the confirm its button posts. No Basic
 * auth (browsers have no credentials) and no JSON envelope (browsers get pages); see docs/redirect-routing.md.
 */
@ApiTags(MAGIC_LINKS_API_TAGS.redirect.name)
@BrowserFacing()
@Controller('v1/magic_links/redirect')
export class RedirectController {
  /** `form-action` must allow the 303 to the app, so it lists every registered redirect URL's origin. */
  private readonly formAction: string;

  constructor(
    private readonly routing: RedirectRoutingService,
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
  ) {
    const origins = new Set(
      Object.values(options.redirectUrls).flatMap((urls) => urls.map((url) => new URL(url).origin)),
    );
    this.formAction = ["'self'", ...origins].join(' ');
  }

  @Get()
  @ApiOperation({
    summary: 'The page behind an emailed magic link',
    description:
      'Where the emailed link points. Answers GET and HEAD with a small HTML page (never a redirect) that is the ' +
      'same for a valid, used, expired or unknown token and consumes nothing. Its button posts a confirm that, ' +
      "once the nonce, timing and bot checks pass, sends the browser to the link's redirect URL with " +
      '`stytch_token_type=magic_links&token=…`. No authentication; opened by browsers, not called by servers.',
  })
  @ApiProduces('text/html')
  @ApiQuery({ name: 'public_token', required: false, description: "The project's public token." })
  @ApiQuery({ name: 'stytch_token_type', required: false, example: 'magic_links' })
  @ApiQuery({
    name: 'token',
    required: true,
    description: 'The magic link token.',
    example: 'DOYoip3rvIMMW5lgItikFK-Ak1CfMsgjuiCyI7uuU94',
  })
  @ApiOkResponse({
    description: 'The interstitial page.',
    content: { 'text/html': { schema: { type: 'string', example: '<!doctype html><html lang="en">…' } } },
  })
  @ApiStytchErrors('too_many_requests', 'internal_server_error')
  async page(@Req() request: RequestLike, @Res() reply: ReplyLike): Promise<void> {
    const answer = await this.routing.view(request.query?.token, request.method === 'HEAD', this.pageRequest(request));
    this.send(reply, answer);
  }

  /**
   * Left out of the OpenAPI document: it is the page's own form target, posted by browsers as a url-encoded form
   * and answered with a redirect or a page, not an API operation a client calls.
   */
  @Post('confirm')
  @ApiExcludeEndpoint()
  async confirm(@Req() request: RequestLike, @Res() reply: ReplyLike): Promise<void> {
    const answer = await this.routing.confirm(confirmForm(request.body), this.pageRequest(request));
    this.send(reply, answer);
  }

  private pageRequest(request: RequestLike): PageRequest {
    const protocol = request.protocol ?? 'http';
    const host = request.headers.host;
    return {
      headers: request.headers,
      device: deviceAttributesOf(request),
      protocol,
      hostname: request.hostname ?? '',
      origin: this.options.publicUrl ? new URL(this.options.publicUrl).origin : `${protocol}://${String(host)}`,
      path: request.url.split('?')[0],
    };
  }

  private send(reply: ReplyLike, answer: PageAnswer): void {
    reply
      .header('Cache-Control', 'no-store')
      .header('Referrer-Policy', 'no-referrer')
      .header('X-Robots-Tag', 'noindex, nofollow');
    if (answer.status === 303) {
      reply.status(303).header('Location', answer.location).send();
      return;
    }
    reply
      .status(answer.status)
      .header('Content-Type', 'text/html; charset=utf-8')
      .header(
        'Content-Security-Policy',
        `default-src 'none'; script-src 'nonce-${answer.cspNonce}'; style-src 'nonce-${answer.cspNonce}'; ` +
          // The device telemetry script posts to this gateway.
          "connect-src 'self'; " +
          `form-action ${this.formAction}; frame-ancestors 'none'; base-uri 'none'`,
      )
      .send(answer.html);
  }
}

/** Reads the form's fields, as strings of bounded length; anything else counts as absent. */
function confirmForm(body: unknown): ConfirmForm {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const field = (name: string, max: number): string | undefined => {
    const value = fields[name];
    return typeof value === 'string' && value.length <= max ? value : undefined;
  };
  return {
    token: field('token', 512) ?? '',
    nonce: field('nonce', 128) ?? '',
    js: field('js', 1),
    auto: field('auto', 1),
    trusted: field('trusted', 1),
    webdriver: field('webdriver', 1),
    fingerprint: field('fingerprint', 64),
    telemetryId: field('telemetry_id', 64),
  };
}
