import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { RunningGateway } from './gateway.js';

export interface SentLink {
  /** The token the email carries. */
  token: string;
  /** The link in the email: `{public URL}/v1/magic_links/redirect?public_token=…&stytch_token_type=magic_links&token=…`. */
  url: string;
  userId: string;
  emailId: string;
}

/** A new user, created through the API, and a login link emailed to them with {@link emailLoginLink}. */
export async function sendLoginLink(
  gateway: RunningGateway,
  options: { email: string; locale?: string; redirectUrl?: string },
): Promise<SentLink> {
  const created = await gateway.request('POST', '/v1/users', { email: options.email });
  if (created.status !== 200) throw new Error(`Creating ${options.email} failed: ${JSON.stringify(created.body)}`);
  return emailLoginLink(gateway, options);
}

/**
 * A login magic link as a person receives it: `POST /v1/magic_links/email/send` to an existing user's address, and
 * the link read from the delivered mail (the gateway's outbox, since test gateways run without SMTP).
 */
export async function emailLoginLink(
  gateway: RunningGateway,
  options: { email: string; locale?: string; redirectUrl?: string },
): Promise<SentLink> {
  const sent = await gateway.request('POST', '/v1/magic_links/email/send', {
    email: options.email,
    login_magic_link_url: options.redirectUrl,
    locale: options.locale,
  });
  if (sent.status !== 200) throw new Error(`Sending to ${options.email} failed: ${JSON.stringify(sent.body)}`);
  const url = await linkInMailTo(gateway, options.email);
  const token = new URL(url).searchParams.get('token')!;
  return { token, url, userId: sent.body.user_id, emailId: sent.body.email_id };
}

/** Outbox files already read, per gateway: each send's link is read from its own mail. */
const readMails = new WeakMap<RunningGateway, Set<string>>();

/** The redirect link in the next unread mail to `address` once it reaches the outbox; fails after `timeoutMs`. */
async function linkInMailTo(gateway: RunningGateway, address: string, timeoutMs = 10_000): Promise<string> {
  const returned = readMails.get(gateway) ?? new Set<string>();
  readMails.set(gateway, returned);
  const toOthers = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const file of await readdir(gateway.outboxDir).catch(() => [] as string[])) {
      if (!file.endsWith('.eml') || returned.has(file) || toOthers.has(file)) continue;
      const mail = await simpleParser(await readFile(join(gateway.outboxDir, file)));
      const to = Array.isArray(mail.to) ? mail.to : [mail.to];
      if (!to.some((entry) => entry?.value.some((recipient) => recipient.address === address))) {
        toOthers.add(file);
        continue;
      }
      returned.add(file);
      const link = mail.text?.match(/https?:\/\/\S+\/v1\/magic_links\/redirect\?\S+/)?.[0];
      if (!link) throw new Error(`The mail to ${address} has no redirect link:\n${mail.text}`);
      return link;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`No mail to ${address} reached ${gateway.outboxDir} within ${timeoutMs} ms`);
}
