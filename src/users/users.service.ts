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
