import { Injectable, Logger } from '@nestjs/common';
import { TransactionsService } from '../database/transactions.service.js';
import type { EmailDeliveryAttempt } from '../email/email-delivery-attempt.entity.js';
import type { EmailDelivery } from '../email/email-delivery.entity.js';
import { EmailQueue } from '../email/email-queue.js';
import { TokenSealer } from '../email/token-sealer.js';
import { StytchException } from '../http/stytch.exception.js';
import { TokenService } from '../tokens/token.service.js';
import { DeliveryAdminStore, type DeliveryFilter } from './delivery-admin.store.js';
import { decodeCursor, encodeCursor } from './delivery-cursor.js';

const DELIVERY_ID_PATTERN = /^email-delivery-(test|live)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const DEFAULT_PAGE_SIZE = 50;

export interface DeliveryPage {
  deliveries: EmailDelivery[];
  nextCursor: string | null;
}

export interface DeliveryWithAttempts {
  delivery: EmailDelivery;
  attempts: EmailDeliveryAttempt[];
}

/**
 * The delivery administration API (docs/operations.md): what happened to a mail, and the two things an operator
 * may do about it. Safe beside running workers, on any queue: both writes are conditional on the status a worker's
 * claim also checks, so no mail is sent twice and a cancelled one is not sent at all.
 */
@Injectable()
export class DeliveryAdminService {
  private readonly logger = new Logger('DeliveryAdmin');

  constructor(
    private readonly store: DeliveryAdminStore,
    private readonly tokens: TokenService,
    private readonly sealer: TokenSealer,
    private readonly queue: EmailQueue,
    private readonly transactions: TransactionsService,
  ) {}

  async list(filter: DeliveryFilter, cursor: string | undefined, limit = DEFAULT_PAGE_SIZE): Promise<DeliveryPage> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    // One more than asked: whether it exists says whether there is a next page.
    const found = await this.store.list(filter, after, limit + 1);
    const deliveries = found.slice(0, limit);
    const last = deliveries.at(-1);
    return { deliveries, nextCursor: found.length > limit && last ? encodeCursor(last) : null };
  }

  async get(id: string): Promise<DeliveryWithAttempts> {
    const delivery = await this.existing(id);
    return { delivery, attempts: await this.store.attemptsOf(id) };
  }

  /**
   * Sends a failed delivery again, with a fresh count of attempts. Its token was erased when it failed, so the link
   * gets a new one (the old token never reached anyone: its mail was never accepted). Refused when the link expired
   * or was used meanwhile.
   */
  async retry(id: string): Promise<DeliveryWithAttempts> {
    const delivery = await this.existing(id);
    if (delivery.status !== 'failed') throw notRetryable(delivery);
    const { token, hash } = this.tokens.mint();
    const now = new Date();
    await this.transactions.run(async (manager) => {
      // Both or neither: a link whose token changed must have a delivery that carries the new one.
      if (!(await this.store.requeue(manager, id, this.sealer.seal(token, id), now))) {
        throw notRetryable((await this.store.findOne(id)) ?? delivery);
      }
      if (!(await this.store.renewLinkToken(manager, delivery.magicLinkId, hash, now))) {
        throw new StytchException('email_delivery_link_unusable');
      }
    });
    // The job of the attempt that comes next: no earlier job of this delivery has its id (see BullEmailQueue).
    await this.queue.enqueue(id, delivery.attempts, 0).catch((error: unknown) => {
      this.logger.warn(`delivery ${id}: retry not queued (${String(error)}); the sweeper will deliver it`);
    });
    return this.get(id);
  }

  /** Cancels a queued delivery: no attempt starts after this, and its token is erased. */
  async cancel(id: string): Promise<DeliveryWithAttempts> {
    const delivery = await this.existing(id);
    if (!(await this.store.cancel(id, new Date()))) {
      const current = (await this.store.findOne(id)) ?? delivery;
      throw new StytchException(
        'email_delivery_not_cancellable',
        `Only a queued delivery can be cancelled: this one is ${current.status}` +
          (current.status === 'sending' ? ' (an attempt is running; it cannot be stopped midway).' : '.'),
      );
    }
    return this.get(id);
  }

  private async existing(id: string): Promise<EmailDelivery> {
    if (!DELIVERY_ID_PATTERN.test(id)) throw new StytchException('invalid_email_delivery_id');
    const delivery = await this.store.findOne(id);
    if (!delivery) throw new StytchException('email_delivery_not_found');
    return delivery;
  }
}

function notRetryable(delivery: EmailDelivery): StytchException {
  return new StytchException(
    'email_delivery_not_retryable',
    `Only a failed delivery can be retried: this one is ${delivery.status}.` +
      (delivery.status === 'queued' || delivery.status === 'sending' ? ' It is already being delivered.' : ''),
  );
}
