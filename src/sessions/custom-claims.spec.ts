import { StytchException } from '../http/stytch.exception.js';
import { applyCustomClaims, MAX_CUSTOM_CLAIMS_BYTES } from './custom-claims.js';

function errorTypeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof StytchException ? error.errorType : 'not a StytchException';
  }
  return undefined;
}

describe('applyCustomClaims', () => {
  it('sets new keys, overwrites existing ones and deletes those set to null', () => {
    expect(applyCustomClaims({ plan: 'free', team: 'a' }, { plan: 'pro', team: null, seats: 3 })).toEqual({
      plan: 'pro',
      seats: 3,
    });
  });

  it('ignores the reserved registered claims', () => {
    const update = { iss: 'x', sub: 'x', aud: 'x', exp: 1, nbf: 1, iat: 1, jti: 'x', plan: 'pro' };
    expect(applyCustomClaims(null, update)).toEqual({ plan: 'pro' });
  });

  it('refuses claims under the Stytch namespace', () => {
    expect(errorTypeOf(() => applyCustomClaims(null, { 'https://stytch.com/session': {} }))).toBe(
      'stytch_claims_in_custom_claims',
    );
  });

  it('keeps "__proto__" as an ordinary claim', () => {
    const claims = applyCustomClaims(null, JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>);
    expect(Object.keys(claims)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts exactly 4 KB of JSON and refuses one byte more, counting what is already there', () => {
    const overhead = JSON.stringify({ a: '', b: '' }).length;
    const fits = { a: 'x'.repeat(100), b: 'y'.repeat(MAX_CUSTOM_CLAIMS_BYTES - overhead - 100) };
    expect(JSON.stringify(applyCustomClaims({ a: fits.a }, { b: fits.b }))).toHaveLength(MAX_CUSTOM_CLAIMS_BYTES);
    expect(errorTypeOf(() => applyCustomClaims({ a: `${fits.a}x` }, { b: fits.b }))).toBe('custom_claims_too_large');
  });

  it('counts bytes, not characters', () => {
    expect(errorTypeOf(() => applyCustomClaims(null, { a: 'é'.repeat(2100) }))).toBe('custom_claims_too_large');
  });
});
