import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
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

  /** The id of the user who has this email, or undefined when no user has it. */
  async findEmailOwner(emailId: string): Promise<string | undefined> {
    return (await this.emails.findOne({ where: { id: emailId }, select: { userId: true } }))?.userId;
  }

  /**
   * The user with its emails, read in `manager`'s transaction and locked until it ends, so that changes to one user
   * happen one after the other: none is lost, and a check (such as "not the last email") still holds at the write.
   * PostgreSQL locks the row; SQLite needs no lock, since its transactions already run one at a time.
   */
  async lockWithEmails(manager: EntityManager, where: UserWhere): Promise<User | null> {
    const sqlite = manager.connection.options.type === 'better-sqlite3';
    // FOR NO KEY UPDATE: writers of the user wait; inserting a row that references the user (a link, an email) does not.
    const user = await manager.findOne(User, { where, lock: sqlite ? undefined : { mode: 'for_no_key_update' } });
    if (user) user.emails = await manager.find(UserEmail, { where: { userId: user.id } });
    return user;
  }

  /** Writes only the given columns, so that concurrent writers of other columns are not undone. */
  async update(id: string, changes: Partial<Omit<User, 'id' | 'emails'>>, manager?: EntityManager): Promise<void> {
    // TypeORM's update type rejects free-form JSON values, which it serializes (simple-json) all the same.
    await (manager ?? this.users.manager).update(User, { id }, changes as QueryDeepPartialEntity<User>);
  }

  async insertEmail(manager: EntityManager, email: UserEmail): Promise<void> {
    await manager.save(email);
  }

  async updateEmail(manager: EntityManager, id: string, changes: Pick<UserEmail, 'email'>): Promise<void> {
    await manager.update(UserEmail, { id }, changes);
  }

  async deleteEmail(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(UserEmail, { id });
  }
}
