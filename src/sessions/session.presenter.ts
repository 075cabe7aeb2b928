import type { User } from '../users/user.entity.js';
import { rfc3339 } from '../users/user.presenter.js';
import type { SessionResponse } from './dto/session.response.js';
import type { Session } from './session.entity.js';

/** Every user has Stytch's default role; the user's own roles follow it. */
export function sessionRoles(user: Pick<User, 'roles'>): string[] {
  return [...new Set(['stytch_user', ...(user.roles ?? [])])];
}

/** Stytch's Session object. */
export function presentSession(session: Omit<Session, 'user'>, user: Pick<User, 'roles'>): SessionResponse {
  return {
    session_id: session.id,
    user_id: session.userId,
    started_at: rfc3339(session.startedAt),
    last_accessed_at: rfc3339(session.lastAccessedAt),
    expires_at: rfc3339(session.expiresAt),
    attributes: { ip_address: session.ipAddress ?? '', user_agent: session.userAgent ?? '' },
    authentication_factors: session.authenticationFactors,
    custom_claims: session.customClaims ?? {},
    roles: sessionRoles(user),
  };
}
