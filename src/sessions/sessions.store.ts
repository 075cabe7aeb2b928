import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import { Session } from './session.entity.js';

/** A session row without its user relation, as written. */
export type SessionRow = Omit<Session, 'user'>;

/**
 * The session statements. "Live" means unexpired at `now`: an expired session is never read or written as one.
 * The business rules (durations, merges, retries) stay in `SessionsService`.
 */
@Injectable()
export class SessionsStore {
  constructor(@InjectRepository(Session) private readonly sessions: Repository<Session>) {}

  findLiveByTokenHash(tokenHash: string, now: Date): Promise<Session | null> {
    return this.sessions.findOneBy({ tokenHash, expiresAt: MoreThan(now) });
  }

  /** The live session `id` (of `userId`, when given), read with `manager` when in a transaction. */
  findLive(id: string, now: Date, userId?: string, manager?: EntityManager): Promise<Session | null> {
    const where = { id, expiresAt: MoreThan(now), ...(userId === undefined ? {} : { userId }) };
    return manager ? manager.findOneBy(Session, where) : this.sessions.findOneBy(where);
  }

  /** The user's live sessions, oldest first. */
  listLive(userId: string, now: Date): Promise<Session[]> {
    return this.sessions.find({ where: { userId, expiresAt: MoreThan(now) }, order: { startedAt: 'ASC' } });
  }

  /** Deletes the live session named by id or token hash; true when there was one. */
  async deleteLive(where: { id: string } | { tokenHash: string }, now: Date): Promise<boolean> {
    return (await this.sessions.delete({ ...where, expiresAt: MoreThan(now) })).affected === 1;
  }

  /** Stores a new session, dropping its user's expired ones so that the table does not grow without bound. */
  async insert(manager: EntityManager, session: SessionRow): Promise<void> {
    await manager.delete(Session, { userId: session.userId, expiresAt: LessThanOrEqual(session.startedAt) });
    await manager.insert(Session, session);
  }

  /**
   * Writes `changes` to the live session `id`, only if it is still at `version` when one is given; true when it was
   * written.
   */
  async update(
    manager: EntityManager,
    id: string,
    now: Date,
    version: number | undefined,
    changes: Partial<SessionRow>,
  ): Promise<boolean> {
    const where = { id, expiresAt: MoreThan(now), ...(version === undefined ? {} : { version }) };
    return (await manager.update(Session, where, changes)).affected === 1;
  }
}
