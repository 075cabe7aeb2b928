import { rfc3339 } from '../users/user.presenter.js';
import type { AuthenticationFactor } from './session.entity.js';

/** What authenticated: the email a magic link was sent to, or an embeddable link (which proves no mailbox). */
export type MagicLinkFactorSource =
  | { deliveryMethod: 'email'; emailId: string; emailAddress: string }
  | { deliveryMethod: 'embedded'; embeddedId: string };

/**
 * A session's factors after an authentication: the same factor authenticating again updates its times; a new
 * one is appended.
 */
export function withFactor(
  factors: AuthenticationFactor[],
  source: MagicLinkFactorSource,
  now: Date,
): AuthenticationFactor[] {
  const at = rfc3339(now);
  const same = (factor: AuthenticationFactor) =>
    source.deliveryMethod === 'email'
      ? factor.email_factor?.email_id === source.emailId
      : factor.embeddable_magic_link_factor?.embedded_id === source.embeddedId;
  const existing = factors.find(same);
  if (existing) {
    return factors.map((factor) =>
      factor === existing ? { ...factor, last_authenticated_at: at, updated_at: at } : factor,
    );
  }
  const factor: AuthenticationFactor =
    source.deliveryMethod === 'email'
      ? {
          type: 'magic_link',
          delivery_method: 'email',
          email_factor: { email_id: source.emailId, email_address: source.emailAddress },
          last_authenticated_at: at,
          created_at: at,
          updated_at: at,
        }
      : {
          type: 'magic_link',
          delivery_method: 'embedded',
          embeddable_magic_link_factor: { embedded_id: source.embeddedId },
          last_authenticated_at: at,
          created_at: at,
          updated_at: at,
        };
  return [...factors, factor];
}
