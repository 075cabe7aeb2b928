import { Injectable } from '@nestjs/common';
import { normalizeEmail } from './email-address.js';
import { newId, parseId } from '../ids/ids.js';
import { StytchException } from '../http/stytch.exception.js';
import { TransactionsService } from '../database/transactions.service.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { CreateUserDto, EXTERNAL_ID_PATTERN } from './dto/create-user.dto.js';
import { UserEmail } from './user-email.entity.js';
import { User, type UserStatus } from './user.entity.js';
import { UsersStore, type UserWhere } from './users.store.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';
import { checkMetadata, mergeMetadata } from './user-metadata.js';

@Injectable()
export class UsersService {
  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    private readonly transactions: TransactionsService,
    private readonly store: UsersStore,
  ) {}

  async create(dto: CreateUserDto): Promise<{ user: User; email: UserEmail }> {
    const user = this.newUser(dto.create_user_as_pending ? 'pending' : 'active', dto);
    const email = this.newEmail(user.id, dto.email, user.createdAt);
    try {
      await this.transactions.run((manager) => this.store.insert(manager, user, email));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // The insert lost to another user; say which field collided.
      if (await this.store.emailExists(email.emailNormalized)) {
        throw new StytchException('duplicate_email');
      }
      throw new StytchException('duplicate_user_external_id');
    }
    user.emails = [email];
    return { user, email };
  }

  /** A user row as the API mints one, not saved yet: `POST /v1/users` and the email endpoints that create users. */
  newUser(
    status: UserStatus,
    fields: Partial<
      Pick<CreateUserDto, 'external_id' | 'name' | 'trusted_metadata' | 'untrusted_metadata' | 'roles'>
    > = {},
  ): User {
    return this.store.newUser({
      id: newId('user', this.options.environment),
      externalId: fields.external_id ?? null,
      status,
      name: fields.name ? { ...fields.name } : null,
      trustedMetadata: fields.trusted_metadata ?? null,
      untrustedMetadata: fields.untrusted_metadata ?? null,
      roles: fields.roles ?? null,
      createdAt: new Date(),
    });
  }

  /** An unverified email of `userId` as the API mints one, not saved yet. */
  newEmail(userId: string, address: string, createdAt = new Date()): UserEmail {
    return this.store.newEmail({
      id: newId('email', this.options.environment),
      userId,
      email: address,
      emailNormalized: normalizeEmail(address),
      verified: false,
      createdAt,
    });
  }

  /** A user by `user_id` or `external_id`, with its emails; `user_not_found` when there is none. */
  async get(userIdOrExternalId: string): Promise<User> {
    const user = await this.store.findWithEmails(this.whereUserId(userIdOrExternalId));
    if (!user) throw new StytchException('user_not_found');
    return user;
  }

  /**
   * `PUT /v1/users/{user_id}`: applies the fields given, metadata merged as Stytch merges it, in one transaction on
   * the locked user. Every check runs before the write, so a refused update changes nothing.
   */
  async update(userIdOrExternalId: string, dto: UpdateUserDto): Promise<User> {
    const where = this.whereUserId(userIdOrExternalId);
    try {
      return await this.transactions.run(async (manager) => {
        const user = await this.store.lockWithEmails(manager, where);
        if (!user) throw new StytchException('user_not_found');
        const changes = userChanges(user, dto);
        if (Object.keys(changes).length > 0) await this.store.update(user.id, changes, manager);
        return Object.assign(user, changes);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new StytchException('duplicate_user_external_id');
      throw error;
    }
  }

  /** `DELETE /v1/users/{user_id}/external_id`: the user, without an external_id (already without one is no error). */
  async deleteExternalId(userIdOrExternalId: string): Promise<User> {
    const user = await this.get(userIdOrExternalId);
    if (user.externalId !== null) await this.store.update(user.id, { externalId: null });
    user.externalId = null;
    return user;
  }

  async delete(userIdOrExternalId: string): Promise<string> {
    const id = await this.store.findId(this.whereUserId(userIdOrExternalId));
    if (id === undefined) throw new StytchException('user_not_found');
    await this.store.delete(id);
    return id;
  }

  /** The `where` that finds a user by id or external id, refusing strings that can be neither. */
  whereUserId(value: string): UserWhere {
    const id = parseId(value);
    if (id?.kind === 'user') {
      if (id.environment !== this.options.environment) {
        throw new StytchException(
          id.environment === 'live' ? 'live_id_used_in_test_environment' : 'test_id_used_in_live_environment',
        );
      }
      return { id: value };
    }
    if (!EXTERNAL_ID_PATTERN.test(value)) throw new StytchException('invalid_user_id');
    return { externalId: value };
  }
}

/** The columns an update writes: only those it changes. Throws when merged metadata would break a restriction. */
function userChanges(user: User, dto: UpdateUserDto): Partial<Omit<User, 'id' | 'emails'>> {
  const changes: Partial<Omit<User, 'id' | 'emails'>> = {};
  if (dto.name) {
    const given = Object.entries(dto.name).filter(([, part]) => part !== undefined);
    // The parts not given keep their value: `{"last_name": "King"}` does not erase the first name.
    if (given.length > 0) changes.name = { ...user.name, ...Object.fromEntries(given) };
  }
  if (dto.trusted_metadata) {
    changes.trustedMetadata = mergeMetadata(user.trustedMetadata, dto.trusted_metadata);
    checkMetadata('trusted_metadata', changes.trustedMetadata);
  }
  if (dto.untrusted_metadata) {
    changes.untrustedMetadata = mergeMetadata(user.untrustedMetadata, dto.untrusted_metadata);
    checkMetadata('untrusted_metadata', changes.untrustedMetadata);
  }
  if (dto.external_id !== undefined && dto.external_id !== user.externalId) changes.externalId = dto.external_id;
  if (dto.roles !== undefined) changes.roles = dto.roles;
  return changes;
}
