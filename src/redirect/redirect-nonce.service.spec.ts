import { resolveMagicLinksOptions } from '../options/magic-links.options.js';
import { RedirectNonceService } from './redirect-nonce.service.js';

const CREDENTIALS = {
  projectId: 'project-test-11111111-1111-4111-8111-111111111111',
  secret: 'secret-test-11111111-1111-4111-8111-111111111111',
};
const options = resolveMagicLinksOptions(CREDENTIALS);

describe('RedirectNonceService', () => {
  const nonces = new RedirectNonceService(options);

  it('tells how long ago a nonce was issued, for the same token and browser only', () => {
    const nonce = nonces.issue('hash-a', 'agent-a', 1_000_000);
    expect(nonces.age(nonce, 'hash-a', 'agent-a', 1_002_500)).toBe(2500);
    expect(nonces.age(nonce, 'hash-b', 'agent-a', 1_002_500)).toBeUndefined();
    expect(nonces.age(nonce, 'hash-a', 'agent-b', 1_002_500)).toBeUndefined();
  });

  it('refuses a tampered, malformed or future nonce, and differs on every view', () => {
    const nonce = nonces.issue('hash-a', 'agent-a', 1_000_000);
    expect(nonces.issue('hash-a', 'agent-a', 1_000_000)).not.toBe(nonce);
    const [, salt, mac] = nonce.split('.');
    expect(nonces.age(`${(999_000).toString(36)}.${salt}.${mac}`, 'hash-a', 'agent-a', 1_002_500)).toBeUndefined();
    expect(nonces.age('', 'hash-a', 'agent-a')).toBeUndefined();
    expect(nonces.age('not-a-nonce', 'hash-a', 'agent-a')).toBeUndefined();
    expect(nonces.age(nonce, 'hash-a', 'agent-a', 999_000)).toBeUndefined();
    const other = new RedirectNonceService(resolveMagicLinksOptions({ ...CREDENTIALS, tokenHashKey: 'k'.repeat(32) }));
    expect(other.age(nonce, 'hash-a', 'agent-a', 1_002_500)).toBeUndefined();
  });
});
