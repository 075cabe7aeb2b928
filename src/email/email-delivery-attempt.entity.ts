import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { EmailDelivery } from './email-delivery.entity.js';

/** How an attempt ended: the mail was accepted, the attempt failed and another follows, or it failed for good. */
export type EmailDeliveryAttemptOutcome = 'sent' | 'retrying' | 'failed';

/**
 * One finished attempt at a delivery, for the delivery administration API: when, how it ended, and the error. An
 * attempt cut short (its worker died) leaves no record; the delivery's `attempts` still counts it.
 */
@Entity('email_delivery_attempts')
export class EmailDeliveryAttempt {
  @PrimaryColumn({ name: 'delivery_id', type: 'varchar', length: 64 })
  deliveryId!: string;

  @ManyToOne(() => EmailDelivery, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id' })
  delivery!: Relation<EmailDelivery>;

  /** The attempt's number, 1 for the first (the delivery's `attempts` once it was claimed). */
  @PrimaryColumn({ type: 'integer' })
  attempt!: number;

  @Column({ name: 'started_at', type: Date })
  startedAt!: Date;

  @Column({ name: 'ended_at', type: Date })
  endedAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  outcome!: EmailDeliveryAttemptOutcome;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  error!: string | null;
}
