import type { UserResponse } from './dto/user.response.js';
import type { User } from './user.entity.js';

/** Stytch's User object for a user loaded with its emails. Times are RFC 3339 UTC without fractions. */
export function presentUser(user: User): UserResponse {
  return {
    user_id: user.id,
    emails: [...user.emails]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map((email) => ({ email_id: email.id, email: email.email, verified: email.verified })),
    status: user.status,
    phone_numbers: [],
    webauthn_registrations: [],
    providers: [],
    totps: [],
    crypto_wallets: [],
    biometric_registrations: [],
    is_locked: false,
    roles: user.roles ?? [],
    name: {
      first_name: user.name?.first_name ?? '',
      middle_name: user.name?.middle_name ?? '',
      last_name: user.name?.last_name ?? '',
    },
    created_at: rfc3339(user.createdAt),
    trusted_metadata: user.trustedMetadata ?? {},
    untrusted_metadata: user.untrustedMetadata ?? {},
    external_id: user.externalId ?? '',
  };
}

export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
