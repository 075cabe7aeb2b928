import { StytchException } from '../http/stytch.exception.js';
import { chooseRedirectUrl } from './redirect-urls.js';

const REGISTERED = {
  login: ['https://app.example.com/authenticate', 'https://app.example.com/alt?next=profile'],
  signup: ['https://app.example.com/welcome'],
  invite: [],
};

function errorTypeOf(call: () => unknown): string | undefined {
  try {
    call();
  } catch (error) {
    return error instanceof StytchException ? error.errorType : 'not a StytchException';
  }
  return undefined;
}

describe('chooseRedirectUrl', () => {
  it('uses the first registered URL of the type by default', () => {
    expect(chooseRedirectUrl(REGISTERED, 'login', undefined)).toBe('https://app.example.com/authenticate');
    expect(chooseRedirectUrl(REGISTERED, 'signup', undefined)).toBe('https://app.example.com/welcome');
  });

  it('accepts a registered URL only by exact match, query included', () => {
    expect(chooseRedirectUrl(REGISTERED, 'login', 'https://app.example.com/alt?next=profile')).toBe(
      'https://app.example.com/alt?next=profile',
    );
    for (const url of [
      'https://app.example.com/alt',
      'https://app.example.com/authenticate/',
      'https://APP.example.com/authenticate',
      'https://evil.example/authenticate',
      'https://app.example.com/welcome',
    ]) {
      expect(errorTypeOf(() => chooseRedirectUrl(REGISTERED, 'login', url))).toBe(
        'no_match_for_provided_magic_link_url',
      );
    }
  });

  it('names the type in the errors for a missing default and a malformed URL', () => {
    expect(errorTypeOf(() => chooseRedirectUrl(REGISTERED, 'invite', undefined))).toBe(
      'no_default_invite_redirect_url_set',
    );
    expect(errorTypeOf(() => chooseRedirectUrl(REGISTERED, 'signup', '/welcome'))).toBe(
      'invalid_signup_magic_link_url',
    );
    expect(errorTypeOf(() => chooseRedirectUrl(REGISTERED, 'login', 'javascript:alert(1)'))).toBe(
      'invalid_login_magic_link_url',
    );
  });
});
