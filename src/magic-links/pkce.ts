import { createHash, timingSafeEqual } from 'node:crypto';
import { StytchException } from '../http/stytch.exception.js';

/** A PKCE S256 challenge: base64url SHA-256, 43 characters, no padding. Stytch permits no plain challenges. */
export const CODE_CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function codeChallengeOf(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'utf8').digest('base64url');
}

/** Refuses a verifier that does not answer the link's challenge, in Stytch's words for each case. */
export function verifyPkce(codeChallenge: string | null, codeVerifier: string | undefined): void {
  if (codeChallenge === null) {
    if (codeVerifier !== undefined) throw new StytchException('pkce_did_not_expect_code_verifier');
    return;
  }
  if (codeVerifier === undefined) throw new StytchException('pkce_expected_code_verifier');
  const expected = Buffer.from(codeChallenge);
  const actual = Buffer.from(codeChallengeOf(codeVerifier));
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new StytchException('pkce_mismatch');
  }
}
