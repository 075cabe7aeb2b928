import { randomUUID } from 'node:crypto';
import type { MagicLinksEnvironment } from '../options/magic-links.options.js';

export type IdKind = 'user' | 'email' | 'session' | 'request-id' | 'magic-link' | 'email-delivery' | 'magic-link-event';

/** Stytch-shaped identifiers: `user-test-<uuid>`, `email-live-<uuid>`, … */
export function newId(kind: IdKind, environment: MagicLinksEnvironment): string {
  return `${kind}-${environment}-${randomUUID()}`;
}

const ID_PATTERN =
  /^(user|email|session|magic-link)-(test|live)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The kind and environment of a Stytch-shaped id, or undefined when the string is not one. */
export function parseId(value: string): { kind: IdKind; environment: MagicLinksEnvironment } | undefined {
  const match = ID_PATTERN.exec(value);
  return match ? { kind: match[1] as IdKind, environment: match[2] as MagicLinksEnvironment } : undefined;
}
