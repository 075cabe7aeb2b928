import { StytchException } from '../http/stytch.exception.js';
import { CODE_CHALLENGE_PATTERN, codeChallengeOf, verifyPkce } from './pkce.js';

// The vector from Stytch's own browser SDK tests (PKCEManager).
const VERIFIER = '00000000000000000000000000000000';
const CHALLENGE = 'hODA6vqpWjTCk_J4rFLkXOU3urXnUqAOaVmhOuEDtlo';

function errorTypeOf(check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(StytchException);
    expect((error as StytchException).getStatus()).toBe(400);
    return (error as StytchException).errorType;
  }
}

describe('PKCE (S256)', () => {
  it("computes Stytch's challenge for its test verifier", () => {
    expect(codeChallengeOf(VERIFIER)).toBe(CHALLENGE);
    expect(CODE_CHALLENGE_PATTERN.test(CHALLENGE)).toBe(true);
  });

  it('accepts only unpadded 43-character base64url challenges', () => {
    expect(CODE_CHALLENGE_PATTERN.test(`${CHALLENGE}=`)).toBe(false);
    expect(CODE_CHALLENGE_PATTERN.test(CHALLENGE.slice(1))).toBe(false);
    expect(CODE_CHALLENGE_PATTERN.test(CHALLENGE.replace('_', '/'))).toBe(false);
    // A plain challenge (the verifier itself) is not S256.
    expect(CODE_CHALLENGE_PATTERN.test(VERIFIER)).toBe(false);
  });

  it('passes a link without a challenge and no verifier, and the matching verifier', () => {
    expect(errorTypeOf(() => verifyPkce(null, undefined))).toBeUndefined();
    expect(errorTypeOf(() => verifyPkce(CHALLENGE, VERIFIER))).toBeUndefined();
  });

  it.each<[string, string | null, string | undefined, string]>([
    ['a verifier for a link without a challenge', null, VERIFIER, 'pkce_did_not_expect_code_verifier'],
    ['no verifier for a link with a challenge', CHALLENGE, undefined, 'pkce_expected_code_verifier'],
    ['a wrong verifier', CHALLENGE, '00000000000000000000000000000001', 'pkce_mismatch'],
    ['the challenge sent as the verifier', CHALLENGE, CHALLENGE, 'pkce_mismatch'],
  ])('refuses %s', (_case, challenge, verifier, errorType) => {
    expect(errorTypeOf(() => verifyPkce(challenge, verifier))).toBe(errorType);
  });
});
