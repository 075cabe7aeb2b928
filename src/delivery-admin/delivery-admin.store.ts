import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, IsNull, MoreThan, Repository } from 'typeorm';
import { EmailDeliveryAttempt } from '../email/email-delivery-attempt.entity.js';
import { EmailDelivery, type EmailDeliveryStatus } from '../email/email-delivery.entity.js';
import { MagicLink } from '../magic-links/magic-link.entity.js';
import type { DeliveryPosition } from './delivery-cursor.js';

export interface DeliveryFilter {
  status?: EmailDeliveryStatus;
  email?: string;
  createdAfter?: Date;
  createdBefore?: Date;
}

/**
 * What the delivery administration API reads and writes. Its writes are conditional on the delivery's status, as a
 * worker's claim is (`EmailDeliveriesStore`): a worker claims only a queued delivery, so of a claim and a cancel
 * exactly one wins, and a retry only touches a failed delivery, which no worker claims.
 */
@Injectable()
export class DeliveryAdminStore {
  constructor(
    @InjectRepository(EmailDelivery) private readonly deliveries: Repository<EmailDelivery>,
    @InjectRepository(EmailDeliveryAttempt) private readonly attempts: Repository<EmailDeliveryAttempt>,
  ) {}

  /** Up to `limit` deliveries matching `filter`, newest first, after `after` when given. */
  list(filter: DeliveryFilter, after: DeliveryPosition | undefined, limit: number): Promise<EmailDelivery[]> {
    const query = this.deliveries.createQueryBuilder('d');
    if (filter.status) query.andWhere('d.status = :status', { status: filter.status });
    if (filter.email) query.andWhere('d.to_address = :email', { email: filter.email });
    if (filter.createdAfter) query.andWhere('d.created_at >= :createdAfter', { createdAfter: filter.createdAfter });
    if (filter.createdBefore) query.andWhere('d.created_at < :createdBefore', { createdBefore: filter.createdBefore });
    if (after) {
      query.andWhere(
        new Brackets((older) =>
          older
            .where('d.created_at < :afterCreatedAt', { afterCreatedAt: after.createdAt })
            .orWhere('(d.created_at = :afterCreatedAt AND d.id < :afterId)', { afterId: after.id }),
        ),
      );
    }
    return query.orderBy('d.created_at', 'DESC').addOrderBy('d.id', 'DESC').take(limit).getMany();
  }

  findOne(id: string): Promise<EmailDelivery | null> {
    return this.deliveries.findOneBy({ id });
  }

  /** The delivery's recorded attempts, oldest first. */
  attemptsOf(id: string): Promise<EmailDeliveryAttempt[]> {
    return this.attempts.find({ where: { deliveryId: id }, order: { attempt: 'ASC' } });
  }

  /**
   * Queues a failed delivery again, due now, with `sealedToken` and a fresh count of attempts for the retry policy;
   * false when it is no longer failed.
   */
  async requeue(manager: EntityManager, id: string, sealedToken: string, now: Date): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(EmailDelivery)
      .set({
        status: 'queued',
        sealedToken,
        nextAttemptAt: now,
        leaseUntil: null,
        retriedAfterAttempts: () => 'attempts',
      })
      .where({ id, status: 'failed' })
      .execute();
    return result.affected === 1;
  }

  /** Gives the link a new token hash, if it is still unused and unexpired; false otherwise. */
  async renewLinkToken(manager: EntityManager, linkId: string, tokenHash: string, now: Date): Promise<boolean> {
    const where = { id: linkId, consumedAt: IsNull(), expiresAt: MoreThan(now) };
    return (await manager.update(MagicLink, where, { tokenHash })).affected === 1;
  }

  /** Cancels a queued delivery and erases its sealed token; false when it is no longer queued. */
  async cancel(id: string, now: Date): Promise<boolean> {
    const result = await this.deliveries.update(
      { id, status: 'queued' },
      { status: 'cancelled', sealedToken: null, nextAttemptAt: now },
    );
    return result.affected === 1;
  }
}
