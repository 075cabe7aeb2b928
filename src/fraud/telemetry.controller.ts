import { Controller, Get, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { deviceAttributesOf } from '../device/device-attributes.decorator.js';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { StytchExceptionFilter } from '../http/stytch-exception.filter.js';
import { StytchException } from '../http/stytch.exception.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { BrowserFacing } from '../rate-limits/browser-facing.decorator.js';
import { DeviceFingerprintingService } from './device-fingerprinting.service.js';
import { parseTelemetrySignals } from './telemetry-signals.js';
import { telemetryScript } from './telemetry-script.js';

interface RequestLike {
  ip?: string;
  socket?: { remoteAddress?: string };
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

/** What Fastify's reply and Express's response both offer, so the module works on either adapter. */
interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body?: string): unknown;
}

const SCRIPT = telemetryScript();

/**
 * The browser side of device fingerprinting: the script an app puts on its pages, and the endpoint it posts its
 * signals to. No Basic auth (browsers have no credentials); readable from any origin (the script runs on the app's
 * pages), never with cookies.
 */
@ApiTags(MAGIC_LINKS_API_TAGS.fraud.name)
@BrowserFacing()
@UseFilters(StytchExceptionFilter)
@Controller('v1/fingerprint')
export class TelemetryController {
  constructor(
    private readonly fingerprinting: DeviceFingerprintingService,
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
  ) {}

  @Get('telemetry.js')
  @ApiOperation({
    summary: 'The telemetry script',
    description:
      'Put `<script src="{gateway}/v1/fingerprint/telemetry.js"></script>` on a page, then ' +
      '`const telemetryId = await GetTelemetryID()` and send it to your backend, which calls fingerprint lookup. ' +
      'No third-party code, no eval; with a CSP, allow this script and `connect-src` to the gateway.',
  })
  @ApiProduces('text/javascript')
  @ApiOkResponse({
    description: 'The script.',
    content: { 'text/javascript': { schema: { type: 'string', example: '(function(){…})();' } } },
  })
  @ApiStytchErrors('too_many_requests', 'internal_server_error')
  script(@Res() reply: ReplyLike): void {
    reply
      .header('Content-Type', 'text/javascript; charset=utf-8')
      .header('Cache-Control', 'public, max-age=3600')
      .header('Cross-Origin-Resource-Policy', 'cross-origin')
      .header('X-Content-Type-Options', 'nosniff')
      .send(SCRIPT);
  }

  /**
   * Left out of the OpenAPI document, like the redirect page's confirm: it is the script's own form target, posted by
   * browsers as a url-encoded form, not an API operation a client calls.
   */
  @Post('telemetry')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async submit(@Req() request: RequestLike, @Res() reply: ReplyLike): Promise<void> {
    const body =
      typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
    const signals = parseTelemetrySignals(body.signals);
    if (!signals) throw new StytchException('invalid_telemetry');
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const country = this.options.fraud.countryHeader && header(this.options.fraud.countryHeader);
    const telemetryId = await this.fingerprinting.record(signals, {
      device: deviceAttributesOf(request),
      acceptLanguage: header('accept-language'),
      countryCode: country && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : undefined,
    });
    reply
      .status(200)
      .header('Content-Type', 'application/json; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .header('Access-Control-Allow-Origin', '*')
      .header('Cross-Origin-Resource-Policy', 'cross-origin')
      .send(JSON.stringify({ telemetry_id: telemetryId }));
  }
}
