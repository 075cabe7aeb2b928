import { Injectable } from '@nestjs/common';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { UsedRedirectNoncesStore } from './used-redirect-nonces.store.js';

/** How long a shown page's button keeps working before the person has to press it a second time. */
export const NONCE_TTL_MS = 30 * 60_000;

/**
 * How long a used nonce is remembered past its lifetime: gateway instances' clocks differ a little, and one that
 * lags must still find the record while it takes the nonce for fresh.
 */
export const USED_NONCE_GRACE_MS = 5 * 60_000;

const NONCE_PATTERN = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{43})$/;

/**
 * Per-view nonces for the confirm form: `<issued at>.<salt>.<HMAC>` over the token's hash and the browser's
 * User-Agent. Issuing is stateless, so a page costs no write and an unknown token gets a nonce that looks like any
 * other; bound to the token and the browser, so a nonce is no good for another link or another client; timestamped,
 * so the confirm knows how long the page was shown before the click; and good for one confirm, which records it as
 * used in the database all gateway instances share.
 */
@Injectable()
export class RedirectNonceService {
  /** One key per token-hash key, the newest first: a page shown before a rotation of that key still confirms. */
  private readonly keys: Buffer[];

  constructor(
    @InjectMagicLinksOptions() options: ResolvedMagicLinksOptions,
    private readonly used: UsedRedirectNoncesStore,
  ) {
    this.keys = options.tokenHashKeys.map((key) =>
      createHmac('sha256', key).update('magic-links redirect nonce key').digest(),
    );
  }

  /** A nonce for the token whose hash under the newest token-hash key is `tokenHash`. */
  issue(tokenHash: string, userAgent: string, now = Date.now()): string {
    const issuedAt = now.toString(36);
    const salt = randomBytes(9).toString('base64url');
    return `${issuedAt}.${salt}.${this.mac(this.keys[0], tokenHash, userAgent, issuedAt, salt)}`;
  }

  /**
   * Milliseconds since the nonce was issued, or undefined when it is not one of ours for this token and browser.
   * `tokenHashes` are the token's hashes under each token-hash key, in the options' order (`TokenService.hashes`).
   */
  age(nonce: string, tokenHashes: string[], userAgent: string, now = Date.now()): number | undefined {
    const match = NONCE_PATTERN.exec(nonce);
    if (!match) return undefined;
    const [, issuedAt, salt, mac] = match;
    const ours = this.keys.some((key, index) =>
      timingSafeEqual(Buffer.from(mac), Buffer.from(this.mac(key, tokenHashes[index], userAgent, issuedAt, salt))),
    );
    if (!ours) return undefined;
    const age = now - parseInt(issuedAt, 36);
    return age >= 0 ? age : undefined;
  }

  /**
   * Spends a nonce that {@link age} accepted: true the first time, false for every later confirm with it, on any
   * instance sharing the database.
   */
  async use(nonce: string): Promise<boolean> {
    const issuedAt = parseInt(nonce.split('.')[0], 36);
    const nonceHash = createHash('sha256').update(nonce).digest('hex');
    return this.used.add(nonceHash, new Date(issuedAt + NONCE_TTL_MS + USED_NONCE_GRACE_MS));
  }

  private mac(key: Buffer, tokenHash: string, userAgent: string, issuedAt: string, salt: string): string {
    const agent = createHash('sha256').update(userAgent).digest('base64url');
    return createHmac('sha256', key).update(`${tokenHash}\n${agent}\n${issuedAt}\n${salt}`).digest('base64url');
  }
}
