import { sdkCredentialsOf } from './sdk-credentials.js';

const basic = (value: string) => ({ authorization: `Basic ${Buffer.from(value).toString('base64')}` });

describe('sdkCredentialsOf', () => {
  it('reads the public token, and the session token only when the SDK holds one', () => {
    expect(sdkCredentialsOf(basic('public-token-test-1:public-token-test-1'))).toEqual({
      publicToken: 'public-token-test-1',
      sessionToken: undefined,
    });
    expect(sdkCredentialsOf(basic('public-token-test-1:mZAYn5aLEqKUlZ_Ad9U'))).toEqual({
      publicToken: 'public-token-test-1',
      sessionToken: 'mZAYn5aLEqKUlZ_Ad9U',
    });
    expect(sdkCredentialsOf(basic('public-token-test-1:'))).toEqual({
      publicToken: 'public-token-test-1',
      sessionToken: undefined,
    });
  });

  it('reads nothing from a missing, non-Basic or colon-less header', () => {
    expect(sdkCredentialsOf({})).toBeUndefined();
    expect(sdkCredentialsOf({ authorization: 'Bearer abc' })).toBeUndefined();
    expect(sdkCredentialsOf(basic('public-token-test-1'))).toBeUndefined();
  });
});
