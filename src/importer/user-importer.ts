import { In, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { parseId } from '../ids/ids.js';
import { EXTERNAL_ID_PATTERN } from '../users/dto/create-user.dto.js';
import { isEmailAddress, normalizeEmail } from '../users/email-address.js';
import { UserEmail } from '../users/user-email.entity.js';
import { User, type UserName } from '../users/user.entity.js';
import type { ImportConflict } from './stytch-import.entity.js';
import type { SourceUser } from './stytch-users-source.js';

export interface PageOutcome {
  imported: number;
  unchanged: number;
  conflicts: ImportConflict[];
}

/** A source user as this gateway stores it, or why it cannot be stored. */
type Candidate = { user: User; emails: UserEmail[] } | { reason: string };

/**
 * Writes one page of source users in `manager`'s transaction: a user new to this database is inserted with its ids,
 * one already here with the same data is left alone, and anything else (the same user_id with other data, an email
 * or external_id another user holds) is reported and not written. Never updates or deletes.
 */
export async function importPage(manager: EntityManager, users: SourceUser[]): Promise<PageOutcome> {
  const outcome: PageOutcome = { imported: 0, unchanged: 0, conflicts: [] };
  const candidates = users.map((source) => ({ source, candidate: toCandidate(source) }));
  const valid = candidates.flatMap(({ candidate }) => ('user' in candidate ? [candidate] : []));
  const existing = await findExisting(manager, valid);

  for (const { source, candidate } of candidates) {
    const conflict = (reason: string) => outcome.conflicts.push({ user_id: String(source.user_id), reason });
    if ('reason' in candidate) {
      conflict(candidate.reason);
      continue;
    }
    const { user, emails } = candidate;
    const current = existing.users.get(user.id);
    if (current) {
      const differences = differencesOf(current, candidate);
      if (differences.length === 0) outcome.unchanged++;
      else conflict(`user_id already exists here with a different ${differences.join(', ')}`);
      continue;
    }
    const taken = takenBy(existing, candidate);
    if (taken) {
      conflict(taken);
      continue;
    }
    // Metadata is free-form JSON, which TypeORM's insert typing cannot express.
    await manager.insert(User, user as QueryDeepPartialEntity<User>);
    await manager.insert(UserEmail, emails as QueryDeepPartialEntity<UserEmail>[]);
    // Later users of the same page see this one.
    user.emails = emails;
    existing.users.set(user.id, user);
    if (user.externalId) existing.externalIds.set(user.externalId, user.id);
    for (const email of emails) {
      existing.emailIds.set(email.id, user.id);
      existing.addresses.set(email.emailNormalized, user.id);
    }
    outcome.imported++;
  }
  return outcome;
}

function toCandidate(source: SourceUser): Candidate {
  const id = typeof source.user_id === 'string' ? parseId(source.user_id) : undefined;
  if (id?.kind !== 'user') return { reason: 'user_id is not a Stytch user id (user-test-… or user-live-…)' };
  if (source.status !== 'active' && source.status !== 'pending') {
    return { reason: `status "${String(source.status)}" is neither active nor pending` };
  }
  const createdAt = new Date(source.created_at);
  if (typeof source.created_at !== 'string' || Number.isNaN(createdAt.getTime())) {
    return { reason: 'created_at is not an RFC 3339 timestamp' };
  }
  const externalId = source.external_id || null;
  if (externalId !== null && !EXTERNAL_ID_PATTERN.test(externalId)) {
    return { reason: `external_id "${externalId}" is not one this gateway accepts (1 to 128 of A-Z a-z 0-9 . _ - |)` };
  }
  const sourceEmails = source.emails ?? [];
  if (sourceEmails.length === 0) {
    return {
      reason: 'the user has no email address (phone, OAuth or other factors only): this gateway signs in by email',
    };
  }
  const emails: UserEmail[] = [];
  for (const email of sourceEmails) {
    if (parseId(String(email.email_id))?.kind !== 'email')
      return { reason: `email_id "${email.email_id}" is not a Stytch email id` };
    if (!isEmailAddress(email.email))
      return { reason: `email "${email.email}" is not an address this gateway accepts` };
    emails.push(
      Object.assign(new UserEmail(), {
        id: email.email_id,
        userId: source.user_id,
        email: email.email,
        emailNormalized: normalizeEmail(email.email),
        verified: email.verified === true,
        createdAt,
      }),
    );
  }
  if (new Set(emails.map((email) => email.emailNormalized)).size !== emails.length) {
    return { reason: 'the user has the same email address twice (differing only in case)' };
  }
  const user = Object.assign(new User(), {
    id: source.user_id,
    externalId,
    status: source.status,
    name: nameOf(source.name),
    trustedMetadata: source.trusted_metadata ?? null,
    untrustedMetadata: source.untrusted_metadata ?? null,
    roles: null,
    createdAt,
  });
  return { user, emails };
}

/** Only the parts of a name that are set, as `POST /v1/users` stores them; null for no name at all. */
function nameOf(name: SourceUser['name']): UserName | null {
  const parts = Object.fromEntries(
    (['first_name', 'middle_name', 'last_name'] as const).flatMap((part) => (name?.[part] ? [[part, name[part]]] : [])),
  ) as UserName;
  return Object.keys(parts).length > 0 ? parts : null;
}

interface Existing {
  users: Map<string, User>;
  emailIds: Map<string, string>;
  addresses: Map<string, string>;
  externalIds: Map<string, string>;
}

async function findExisting(
  manager: EntityManager,
  candidates: { user: User; emails: UserEmail[] }[],
): Promise<Existing> {
  const ids = candidates.map(({ user }) => user.id);
  const emailIds = candidates.flatMap(({ emails }) => emails.map((email) => email.id));
  const addresses = candidates.flatMap(({ emails }) => emails.map((email) => email.emailNormalized));
  const externalIds = candidates.flatMap(({ user }) => (user.externalId ? [user.externalId] : []));
  const none = Promise.resolve([]);
  const [users, byId, byAddress, byExternalId] = await Promise.all([
    ids.length ? manager.find(User, { where: { id: In(ids) }, relations: { emails: true } }) : none,
    emailIds.length ? manager.find(UserEmail, { where: { id: In(emailIds) } }) : none,
    addresses.length ? manager.find(UserEmail, { where: { emailNormalized: In(addresses) } }) : none,
    externalIds.length ? manager.find(User, { where: { externalId: In(externalIds) } }) : none,
  ]);
  return {
    users: new Map(users.map((user) => [user.id, user])),
    emailIds: new Map(byId.map((email) => [email.id, email.userId])),
    addresses: new Map(byAddress.map((email) => [email.emailNormalized, email.userId])),
    externalIds: new Map(byExternalId.map((user) => [user.externalId!, user.id])),
  };
}

/** Why a new user cannot be inserted: an id, address or external_id another user already holds. */
function takenBy(existing: Existing, { user, emails }: { user: User; emails: UserEmail[] }): string | undefined {
  for (const email of emails) {
    const holder = existing.emailIds.get(email.id);
    if (holder) return `email_id ${email.id} already belongs to user ${holder} here`;
    const owner = existing.addresses.get(email.emailNormalized);
    if (owner) return `email ${email.email} already belongs to user ${owner} here`;
  }
  const holder = user.externalId ? existing.externalIds.get(user.externalId) : undefined;
  if (holder) return `external_id ${user.externalId} already belongs to user ${holder} here`;
  return undefined;
}

/** The fields in which the stored user differs from the source's, compared as the API presents them. */
function differencesOf(current: User, { user, emails }: { user: User; emails: UserEmail[] }): string[] {
  const emailsOf = (list: UserEmail[]) =>
    JSON.stringify(list.map((email) => [email.id, email.email, email.verified]).sort());
  const fields: [string, unknown, unknown][] = [
    ['status', current.status, user.status],
    ['external_id', current.externalId, user.externalId],
    ['name', canonical(nameOf(current.name)), canonical(user.name)],
    ['trusted_metadata', canonical(current.trustedMetadata ?? {}), canonical(user.trustedMetadata ?? {})],
    ['untrusted_metadata', canonical(current.untrustedMetadata ?? {}), canonical(user.untrustedMetadata ?? {})],
    // Stytch's times have whole seconds.
    ['created_at', Math.floor(current.createdAt.getTime() / 1000), Math.floor(user.createdAt.getTime() / 1000)],
    ['emails', emailsOf(current.emails), emailsOf(emails)],
  ];
  return fields.filter(([, a, b]) => a !== b).map(([name]) => name);
}

/** JSON with object keys sorted, so that equal data compares equal whatever order its keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)))
      : item,
  );
}
