import { Injectable } from '@nestjs/common';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';

/** How long a shown page's button keeps working before the person has to press it a second time. */
export const NONCE_TTL_MS = 30 * 60_000;

const NONCE_PATTERN = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{43})$/;

/**
 * Per-view nonces for the confirm form: `<issued at>.<salt>.<HMAC>` over the token's hash and the browser's
 * User-Agent. Stateless, so a page costs no write and an unknown token gets a nonce that looks like any other;
 * bound to the token and the browser, so a nonce is no good for another link or another client; timestamped, so
 * the confirm knows how long the page was shown before the click.
 */
@Injectable()
export class RedirectNonceService {
  private readonly key: Buffer;

  constructor(@InjectMagicLinksOptions() options: ResolvedMagicLinksOptions) {
    this.key = createHmac('sha256', options.tokenHashKey).update('magic-links redirect nonce key').digest();
  }

  issue(tokenHash: string, userAgent: string, now = Date.now()): string {
    const issuedAt = now.toString(36);
    const salt = randomBytes(9).toString('base64url');
    return `${issuedAt}.${salt}.${this.mac(tokenHash, userAgent, issuedAt, salt)}`;
  }

  /** Milliseconds since the nonce was issued, or undefined when it is not one of ours for this token and browser. */
  age(nonce: string, tokenHash: string, userAgent: string, now = Date.now()): number | undefined {
    const match = NONCE_PATTERN.exec(nonce);
    if (!match) return undefined;
    const [, issuedAt, salt, mac] = match;
    if (!timingSafeEqual(Buffer.from(mac), Buffer.from(this.mac(tokenHash, userAgent, issuedAt, salt)))) {
      return undefined;
    }
    const age = now - parseInt(issuedAt, 36);
    return age >= 0 ? age : undefined;
  }

  private mac(tokenHash: string, userAgent: string, issuedAt: string, salt: string): string {
    const agent = createHash('sha256').update(userAgent).digest('base64url');
    return createHmac('sha256', this.key).update(`${tokenHash}\n${agent}\n${issuedAt}\n${salt}`).digest('base64url');
  }
}
