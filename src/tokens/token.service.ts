import { Injectable } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';

/** 33 random bytes: 264 bits, 44 base64url characters, the length of Stytch's own tokens. */
const TOKEN_BYTES = 33;

/** Mints bearer tokens and the keyed hashes under which they are stored; a token is never stored in clear. */
@Injectable()
export class TokenService {
  constructor(@InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions) {}

  mint(): { token: string; hash: string } {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    return { token, hash: this.hash(token) };
  }

  hash(token: string): string {
    return createHmac('sha256', this.options.tokenHashKey).update(token).digest('hex');
  }
}
