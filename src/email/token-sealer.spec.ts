import { resolveMagicLinksOptions } from '../options/magic-links.options.js';
import { TokenSealer } from './token-sealer.js';

const CREDENTIALS = {
  projectId: 'project-test-11111111-1111-4111-8111-111111111111',
  secret: 'secret-test-11111111-1111-4111-8111-111111111111',
};
const [older, newer] = ['o'.repeat(32), 'n'.repeat(32)];
const sealerWith = (tokenHashKey: string | string[]) =>
  new TokenSealer(resolveMagicLinksOptions({ ...CREDENTIALS, tokenHashKey }));

describe('TokenSealer', () => {
  it('opens, during a rotation of the token-hash key, what was sealed under the older key', () => {
    const sealed = sealerWith(older).seal('the-token', 'delivery-1');
    expect(sealerWith([newer, older]).open(sealed, 'delivery-1')).toBe('the-token');
  });

  it('seals with the newest key, and opens nothing sealed under a key no longer listed, or for another delivery', () => {
    const sealed = sealerWith([newer, older]).seal('the-token', 'delivery-1');
    expect(sealerWith(newer).open(sealed, 'delivery-1')).toBe('the-token');
    expect(() => sealerWith(older).open(sealed, 'delivery-1')).toThrow();
    expect(() => sealerWith([newer, older]).open(sealed, 'delivery-2')).toThrow();
  });
});
