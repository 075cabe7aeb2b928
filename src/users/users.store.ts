import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { UserEmail } from './user-email.entity.js';
import { User } from './user.entity.js';

/** A user named by id or by external id. */
export type UserWhere = { id: string } | { externalId: string };

/** The user statements. The business rules (ids, statuses, which error answers) stay in `UsersService`. */
@Injectable()
export class UsersStore {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(UserEmail) private readonly emails: Repository<UserEmail>,
  ) {}

  /** An entity instance, not saved. */
  newUser(fields: Omit<User, 'emails'>): User {
    return this.users.create(fields);
  }

  /** An entity instance, not saved. */
  newEmail(fields: Omit<UserEmail, 'user'>): UserEmail {
    return this.emails.create(fields);
  }

  /** Stores a new user and its email in `manager`'s transaction. */
  async insert(manager: EntityManager, user: User, email: UserEmail): Promise<void> {
    await manager.save(user);
    await manager.save(email);
  }

  /** The user with its emails, or null. */
  findWithEmails(where: UserWhere): Promise<User | null> {
    return this.users.findOne({ where, relations: { emails: true } });
  }

  /** The user's id, or undefined when there is no such user. */
  async findId(where: UserWhere): Promise<string | undefined> {
    return (await this.users.findOne({ where, select: { id: true } }))?.id;
  }

  async delete(id: string): Promise<void> {
    await this.users.delete({ id });
  }

  emailExists(emailNormalized: string): Promise<boolean> {
    return this.emails.existsBy({ emailNormalized });
  }
}
