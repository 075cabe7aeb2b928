import { StytchException } from '../http/stytch.exception.js';

/** Registered JWT claims: Stytch ignores them in `session_custom_claims` rather than let a caller forge them. */
const RESERVED_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti']);
/** Stytch's own claims (`https://stytch.com/session`) live under this prefix. */
const STYTCH_CLAIMS_PREFIX = 'https://stytch.com/';
export const MAX_CUSTOM_CLAIMS_BYTES = 4096;

/**
 * A session's custom claims after `session_custom_claims` is applied: reserved claims are ignored, a `null`
 * value deletes its key, any other value sets it, and the result must stay within 4 KB of JSON.
 */
export function applyCustomClaims(
  current: Record<string, unknown> | null,
  update: Record<string, unknown> | undefined,
): Record<string, unknown> {
  // A Map, so that a key such as "__proto__" is a claim like any other, never an object's prototype.
  const claims = new Map(Object.entries(current ?? {}));
  for (const [key, value] of Object.entries(update ?? {})) {
    if (RESERVED_CLAIMS.has(key)) continue;
    if (key.startsWith(STYTCH_CLAIMS_PREFIX)) throw new StytchException('stytch_claims_in_custom_claims');
    if (value === null) claims.delete(key);
    else claims.set(key, value);
  }
  const result = Object.fromEntries(claims);
  if (Buffer.byteLength(JSON.stringify(result)) > MAX_CUSTOM_CLAIMS_BYTES) {
    throw new StytchException('custom_claims_too_large');
  }
  return result;
}
