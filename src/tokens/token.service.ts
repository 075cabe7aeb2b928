import { Injectable } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';

/** 33 random bytes: 264 bits, 44 base64url characters, the length of Stytch's own tokens. */
const TOKEN_BYTES = 33;

/**
 * Mints bearer tokens and the keyed hashes under which they are stored; a token is never stored in clear. During a
 * rotation of the hash key (docs/operations.md) the newest key hashes new tokens and a stored one is found under
 * whichever listed key hashed it.
 */
@Injectable()
export class TokenService {
  constructor(@InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions) {}

  mint(): { token: string; hash: string } {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    return { token, hash: this.hash(token) };
  }

  /** The hash under the newest key: the one new rows are written with. */
  hash(token: string): string {
    return createHmac('sha256', this.options.tokenHashKey).update(token).digest('hex');
  }

  /** The token's hash under each listed key, the newest first. */
  hashes(token: string): string[] {
    return this.options.tokenHashKeys.map((key) => createHmac('sha256', key).update(token).digest('hex'));
  }

  /**
   * What `read` finds under the token's hash, trying the newest key first and an older one only when nothing was
   * found: one lookup with one key, as before rotations existed. Undefined when no key's hash finds anything.
   * `newestHash` is `hash(token)`, when the caller has it already.
   */
  async find<T>(
    token: string,
    read: (hash: string) => Promise<T | null | undefined>,
    newestHash = this.hash(token),
  ): Promise<T | undefined> {
    const found = await read(newestHash);
    if (found) return found;
    for (const key of this.options.tokenHashKeys.slice(1)) {
      const older = await read(createHmac('sha256', key).update(token).digest('hex'));
      if (older) return older;
    }
    return undefined;
  }
}
