import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { resolveMagicLinksOptions } from '../../src/magic-links.options.js';
import { PROJECT_ID, queryDatabase, SECRET, type RunningGateway } from './gateway.js';
import { storedTime } from './sessions.js';

export interface SentLink {
  /** The token the email carries. */
  token: string;
  /** The link in the email: `{public URL}/v1/magic_links/redirect?public_token=…&stytch_token_type=magic_links&token=…`. */
  url: string;
  userId: string;
  emailId: string;
}

/**
 * A login magic link as the email send endpoint leaves it: the user, the link row (token stored as its keyed hash,
 * with the locale and registered redirect URL) and the URL the email carries. Every redirect-routing test gets its
 * links here, so that this body can become `POST /v1/magic_links/email/send` plus reading the delivered mail.
 */
export async function sendLoginLink(
  gateway: RunningGateway,
  options: { email: string; locale?: string; redirectUrl?: string; expiresInMinutes?: number },
): Promise<SentLink> {
  const created = await gateway.request('POST', '/v1/users', { email: options.email });
  if (created.status !== 200) throw new Error(`Creating ${options.email} failed: ${JSON.stringify(created.body)}`);
  const userId: string = created.body.user_id;
  const emailId: string = created.body.user.emails[0].email_id;
  // The gateway runs on the test credentials with no MAGIC_LINKS_TOKEN_HASH_KEY, so its keys are these defaults.
  const { tokenHashKey, publicToken } = resolveMagicLinksOptions({ projectId: PROJECT_ID, secret: SECRET });
  const token = randomBytes(33).toString('base64url');
  const database = gateway.databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  const now = new Date();
  await queryDatabase(
    gateway.databaseUrl,
    `INSERT INTO magic_links (id, token_hash, user_id, email_id, type, redirect_url, locale, created_at, expires_at)
     VALUES ($1, $2, $3, $4, 'login', $5, $6, $7, $8)`,
    [
      `magic-link-test-${randomUUID()}`,
      createHmac('sha256', tokenHashKey).update(token).digest('hex'),
      userId,
      emailId,
      options.redirectUrl ?? 'http://localhost:3000/authenticate',
      options.locale ?? 'en',
      storedTime(database, now),
      storedTime(database, new Date(now.getTime() + (options.expiresInMinutes ?? 60) * 60_000)),
    ],
  );
  const query = new URLSearchParams({ public_token: publicToken, stytch_token_type: 'magic_links', token });
  return { token, url: `${gateway.url}/v1/magic_links/redirect?${query}`, userId, emailId };
}
