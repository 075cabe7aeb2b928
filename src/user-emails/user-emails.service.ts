import { Injectable } from '@nestjs/common';
import { TransactionsService } from '../database/transactions.service.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { StytchException } from '../http/stytch.exception.js';
import { parseId } from '../ids/ids.js';
import { MagicLinksStore } from '../magic-links/magic-links.store.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { normalizeEmail } from '../users/email-address.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { UsersStore, type UserWhere } from '../users/users.store.js';
import type { UserEmail } from '../users/user-email.entity.js';
import type { EntityManager } from 'typeorm';

const EMAIL_NOT_FOUND = 'Email could not be found: no user in this project has an email with this email_id.';

/** Each lost attempt means another change of the user's emails finished, so this many racing exchanges all end. */
const MAX_EXCHANGE_ATTEMPTS = 10;

/** The user's emails changed between the read and the lock: the exchange starts over on a fresh read. */
class EmailsChanged extends Error {}

/**
 * Removing or replacing a user's email, and what that does to the links sent to it: they stop working at once. Each
 * change runs in one transaction on the locked user, so two at once cannot leave a user without an email. The links
 * are expired before the user is locked: authenticate locks a link and then its user, and taking them in the same
 * order keeps the two from deadlocking on PostgreSQL.
 */
@Injectable()
export class UserEmailsService {
  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    private readonly transactions: TransactionsService,
    private readonly users: UsersService,
    private readonly store: UsersStore,
    private readonly links: MagicLinksStore,
  ) {}

  /** `DELETE /v1/users/emails/{email_id}`: the user without that email; never their last one. */
  async delete(emailId: string): Promise<User> {
    this.checkEmailId(emailId);
    const userId = await this.store.findEmailOwner(emailId);
    if (userId === undefined) throw new StytchException('email_not_found', EMAIL_NOT_FOUND);
    return this.transactions.run(async (manager) => {
      await this.links.expirePendingForEmail(manager, userId, emailId, new Date());
      const user = await this.lock(manager, { id: userId });
      const email = user.emails.find((candidate) => candidate.id === emailId);
      // Deleted since the lookup, by this call's twin or with its user.
      if (!email) throw new StytchException('email_not_found', EMAIL_NOT_FOUND);
      if (user.emails.length === 1) throw new StytchException('cannot_delete_last_primary_factor');
      await this.store.deleteEmail(manager, email.id);
      user.emails = user.emails.filter((candidate) => candidate !== email);
      return user;
    });
  }

  /**
   * `PUT /v1/users/{user_id}/exchange_primary_factor`: the user's only email replaced by `address`, a new unverified
   * email with a new email_id (the old one's pending links stop working). The same mailbox in another spelling only
   * changes the spelling: it is still the address that was verified.
   */
  async exchange(userIdOrExternalId: string, address: string): Promise<User> {
    const where = this.users.whereUserId(userIdOrExternalId);
    for (let attempt = 1; ; attempt++) {
      const current = (await this.users.get(userIdOrExternalId)).emails;
      if (current.length !== 1) throw new StytchException('invalid_exchange_primary_factor_user');
      try {
        return await this.transactions.run((manager) => this.exchangeIn(manager, where, current[0], address));
      } catch (error) {
        if (error instanceof EmailsChanged) {
          if (attempt < MAX_EXCHANGE_ATTEMPTS) continue;
          throw new StytchException(
            'too_many_requests',
            "The user's email was changed by other requests while this exchange ran, too many times in a row; retry it.",
          );
        }
        if (isUniqueViolation(error)) throw new StytchException('duplicate_email');
        throw error;
      }
    }
  }

  /** The exchange of `current` in one transaction; `EmailsChanged` when the user's emails changed since it was read. */
  private async exchangeIn(
    manager: EntityManager,
    where: UserWhere,
    current: UserEmail,
    address: string,
  ): Promise<User> {
    const sameMailbox = current.emailNormalized === normalizeEmail(address);
    if (!sameMailbox) await this.links.expirePendingForEmail(manager, current.userId, current.id, new Date());
    const user = await this.lock(manager, where);
    if (user.emails.length !== 1 || user.emails[0].id !== current.id) throw new EmailsChanged();
    if (sameMailbox) {
      await this.store.updateEmail(manager, current.id, { email: address });
      user.emails[0].email = address;
      return user;
    }
    const replacement = this.users.newEmail(user.id, address);
    await this.store.deleteEmail(manager, current.id);
    await this.store.insertEmail(manager, replacement);
    user.emails = [replacement];
    return user;
  }

  private async lock(...[manager, where]: Parameters<UsersStore['lockWithEmails']>): Promise<User> {
    const user = await this.store.lockWithEmails(manager, where);
    if (!user) throw new StytchException('user_not_found');
    return user;
  }

  private checkEmailId(value: string): void {
    const id = parseId(value);
    if (id?.kind !== 'email') throw new StytchException('invalid_email_id');
    if (id.environment !== this.options.environment) {
      throw new StytchException(
        id.environment === 'live' ? 'live_id_used_in_test_environment' : 'test_id_used_in_live_environment',
      );
    }
  }
}
