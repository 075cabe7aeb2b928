import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals a link's token for the time between the request and the mail: the worker needs it to write the mail, the
 * database must not hold it in clear, and queue job data (clear text in Redis) never sees it at all. The key is
 * derived from the token hash key, so a database dump alone does not reveal tokens. During a rotation of that key,
 * the newest seals and every listed one opens, so mail queued before the rotation still goes out.
 */
@Injectable()
export class TokenSealer {
  private readonly keys: Buffer[];

  constructor(@InjectMagicLinksOptions() options: ResolvedMagicLinksOptions) {
    this.keys = options.tokenHashKeys.map((key) =>
      createHmac('sha256', key).update('magic-links email token sealing key').digest(),
    );
  }

  seal(token: string, deliveryId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0], iv);
    // The delivery id is bound in, so a sealed token copied onto another delivery does not open.
    cipher.setAAD(Buffer.from(deliveryId));
    const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /** The sealed token; throws when no listed key opens it. */
  open(sealed: string, deliveryId: string): string {
    const bytes = Buffer.from(sealed, 'base64url');
    let failure: unknown;
    // The authentication tag tells a wrong key: the next (older) one is tried.
    for (const key of this.keys) {
      try {
        return openWith(key, bytes, deliveryId);
      } catch (error) {
        failure ??= error;
      }
    }
    throw failure;
  }
}

function openWith(key: Buffer, bytes: Buffer, deliveryId: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(deliveryId));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}
