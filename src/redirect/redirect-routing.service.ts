import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { TokenService } from '../tokens/token.service.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { MagicLink } from '../magic-links/magic-link.entity.js';
import { DeviceFingerprintingService } from '../fraud/device-fingerprinting.service.js';
import { confirmSignals, header, headerSignals, INFORMATIONAL_SIGNALS, type RequestFacts } from './bot-signals.js';
import { MagicLinkEventsService, type EventVerdict } from './magic-link-events.service.js';
import { NONCE_TTL_MS, RedirectNonceService } from './redirect-nonce.service.js';
import { renderDeadLinkPage, renderRedirectPage } from './redirect-page.js';
import { pageLocale } from './redirect-page.messages.js';

/** Longest token echoed into the page; no real token comes near it. */
const MAX_TOKEN_LENGTH = 512;

/** The request as the redirect routes see it. */
export interface PageRequest extends RequestFacts {
  /** The origin browsers reach this gateway at, to recognise the page's own form posts. */
  origin: string;
  /** The URL path, without the query. */
  path: string;
}

/** The confirm form's fields, as posted (by the page, or by anyone). */
export interface ConfirmForm {
  token: string;
  nonce: string;
  js?: string;
  auto?: string;
  trusted?: string;
  webdriver?: string;
  fingerprint?: string;
  /** From the device telemetry script, when it ran. */
  telemetryId?: string;
}

/** What to answer: a page (with the nonce its CSP allows) or, for a confirmed click, the app's URL. */
export type PageAnswer =
  { status: 200 | 403 | 410; html: string; cspNonce: string } | { status: 303; location: string };

type EmailedLink = Pick<
  MagicLink,
  'id' | 'emailId' | 'type' | 'redirectUrl' | 'locale' | 'createdAt' | 'expiresAt' | 'consumedAt'
>;

/**
 * Redirect routing (docs/redirect-routing.md): the emailed link opens a page that never consumes the token and
 * never reveals the app's URL; only a confirm that passes the nonce, timing and bot checks is sent on to the app,
 * whose backend then consumes the token with authenticate.
 */
@Injectable()
export class RedirectRoutingService {
  private readonly logger = new Logger('RedirectRouting');

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    @InjectRepository(MagicLink) private readonly links: Repository<MagicLink>,
    private readonly tokens: TokenService,
    private readonly nonces: RedirectNonceService,
    private readonly events: MagicLinkEventsService,
    private readonly fingerprinting: DeviceFingerprintingService,
  ) {}

  /** GET or HEAD of the emailed link: the same page whatever the token's state, and an event for a known link. */
  async view(rawToken: unknown, head: boolean, request: PageRequest): Promise<PageAnswer> {
    const token = tokenOf(rawToken);
    const tokenHashes = this.tokens.hashes(token);
    const link = await this.emailedLink(tokenHashes);
    const signals = headerSignals(request);
    if (link) await this.events.record(link, head ? 'head' : 'view', { device: request.device, signals });
    else this.logger.log({ signals, user_agent: request.device.user_agent }, 'Redirect page opened for no live link');
    return this.page(link, tokenHashes[0], token, request, { automatic: this.options.redirectMode === 'auto' });
  }

  /** The page's form post: the app's URL for a person's confirm; otherwise a page, and never a consumed token. */
  async confirm(form: ConfirmForm, request: PageRequest): Promise<PageAnswer> {
    const token = tokenOf(form.token);
    const tokenHashes = this.tokens.hashes(token);
    const tokenHash = tokenHashes[0];
    const link = await this.emailedLink(tokenHashes);
    const { device } = request;
    const age = this.nonces.age(form.nonce, tokenHashes, device.user_agent);
    if (age === undefined || age > NONCE_TTL_MS) {
      const reason = age === undefined ? 'invalid_nonce' : 'stale_nonce';
      if (link) await this.events.record(link, 'blocked', { device, signals: headerSignals(request), reason });
      else this.logger.log({ reason }, 'Redirect confirm refused for no live link');
      return { ...this.page(link, tokenHash, token, request, { retry: true }), status: 403 };
    }
    const now = new Date();
    if (!link || link.consumedAt !== null || link.expiresAt <= now) {
      if (link) {
        const reason = link.consumedAt !== null ? 'link_used' : 'link_expired';
        await this.events.record(link, 'blocked', { device, signals: headerSignals(request), reason });
      }
      const cspNonce = newCspNonce();
      return {
        status: 410,
        html: renderDeadLinkPage(pageLocale(link?.locale, header(request.headers, 'accept-language')), cspNonce),
        cspNonce,
      };
    }
    // Spent here, whatever the bot checks then say: a refused confirm gets a page with a fresh nonce.
    if (!(await this.nonces.use(form.nonce))) {
      await this.events.record(link, 'blocked', { device, signals: headerSignals(request), reason: 'used_nonce' });
      return { ...this.page(link, tokenHash, token, request, { retry: true }), status: 403 };
    }
    const automatic = this.options.redirectMode === 'auto' && form.auto === '1';
    const signals = confirmSignals({
      ...request,
      script: form.js,
      automatic,
      trusted: form.trusted,
      webdriver: form.webdriver,
      sinceShownMs: age,
    });
    const fingerprint = /^[0-9a-f]{16,64}$/.test(form.fingerprint ?? '') ? form.fingerprint : undefined;
    const blocking = signals.filter((signal) => !INFORMATIONAL_SIGNALS.has(signal));
    const verdict = await this.verdictOf(form.telemetryId);
    // With `fraud.requireAllowVerdict`, a confirm needs the device's ALLOW as well (docs/device-fingerprinting.md).
    const refused =
      blocking[0] ??
      (this.options.fraud.requireAllowVerdict && verdict?.action !== 'ALLOW'
        ? verdict
          ? 'device_verdict'
          : 'no_telemetry'
        : undefined);
    if (refused !== undefined) {
      await this.events.record(link, 'blocked', {
        device,
        signals,
        reason: refused,
        automatic,
        fingerprint,
        verdict,
      });
      // A refused automatic confirm falls back to the button, quietly; a refused click may simply be tried again.
      return { ...this.page(link, tokenHash, token, request, { retry: !automatic }), status: 403 };
    }
    await this.events.record(link, 'confirm', { device, signals, automatic, fingerprint, verdict });
    return { status: 303, location: appUrl(link.redirectUrl!, token) };
  }

  /** The device verdict of the page's telemetry, to record on the event (and require, when configured). */
  private async verdictOf(telemetryId: string | undefined): Promise<EventVerdict | undefined> {
    if (telemetryId === undefined || telemetryId === '') return undefined;
    const found = await this.fingerprinting.lookup(telemetryId);
    return (
      found && {
        telemetryId,
        action: found.verdict.action,
        reasons: found.verdict.reasons,
        visitorFingerprint: found.fingerprints.visitor_fingerprint,
      }
    );
  }

  private page(
    link: EmailedLink | undefined,
    tokenHash: string,
    token: string,
    request: PageRequest,
    { automatic = false, retry = false }: { automatic?: boolean; retry?: boolean },
  ): { status: 200; html: string; cspNonce: string } {
    const cspNonce = newCspNonce();
    const nonce = this.nonces.issue(tokenHash, request.device.user_agent);
    // Relative, so it resolves from both the link's URL (…/redirect) and the confirm's (…/redirect/confirm).
    const action = request.path.endsWith('/confirm') ? 'confirm' : 'redirect/confirm';
    const locale = pageLocale(link?.locale, header(request.headers, 'accept-language'));
    const telemetryBase = request.path.replace(/v1\/magic_links\/redirect(\/confirm)?$/, '');
    const html = renderRedirectPage(locale, { action, token, nonce, automatic, retry, telemetryBase }, cspNonce);
    return { status: 200, html, cspNonce };
  }

  /**
   * The emailed link of a token, whatever its state, by its hash under each token-hash key in turn (the newest
   * first; an older one only during a rotation); embeddable links have no redirect page.
   */
  private async emailedLink(tokenHashes: string[]): Promise<EmailedLink | undefined> {
    let link: MagicLink | null = null;
    for (let index = 0; !link && index < tokenHashes.length; index++) link = await this.linkOf(tokenHashes[index]);
    return link && link.type !== 'embedded' && link.redirectUrl !== null ? link : undefined;
  }

  private linkOf(tokenHash: string): Promise<MagicLink | null> {
    return this.links.findOne({
      where: { tokenHash },
      select: {
        id: true,
        emailId: true,
        type: true,
        redirectUrl: true,
        locale: true,
        createdAt: true,
        expiresAt: true,
        consumedAt: true,
      },
    });
  }
}

/**
 * The URL the browser is sent to: the link's registered redirect URL, its own query parameters kept, plus
 * `stytch_token_type=magic_links&token=…` as Stytch appends them.
 */
export function appUrl(redirectUrl: string, token: string): string {
  const url = new URL(redirectUrl);
  url.searchParams.set('stytch_token_type', 'magic_links');
  url.searchParams.set('token', token);
  return url.toString();
}

function tokenOf(value: unknown): string {
  return typeof value === 'string' && value.length <= MAX_TOKEN_LENGTH ? value : '';
}

function newCspNonce(): string {
  return randomBytes(16).toString('base64');
}
