import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { MagicLink } from '../magic-links/magic-link.entity.js';
import { User } from '../users/user.entity.js';

/**
 * queued → sending → sent; back to queued for a retry; failed once the attempts are spent or the link expired.
 * By hand (the delivery administration API): failed → queued (retry), queued → cancelled.
 */
export type EmailDeliveryStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled';
export const EMAIL_DELIVERY_STATUSES: readonly EmailDeliveryStatus[] = [
  'queued',
  'sending',
  'sent',
  'failed',
  'cancelled',
];
export type EmailKind = 'login' | 'signup' | 'invite';

/**
 * One email to send, written in the transaction that creates its magic link. The database, not the queue, is the
 * record of what must be sent: a job only says "look at this delivery now".
 */
@Entity('email_deliveries')
export class EmailDelivery {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'magic_link_id', type: 'varchar', length: 64, unique: true })
  magicLinkId!: string;

  @ManyToOne(() => MagicLink, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'magic_link_id' })
  magicLink!: Relation<MagicLink>;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user!: Relation<User>;

  @Column({ name: 'to_address', type: 'varchar', length: 254 })
  toAddress!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: EmailKind;

  @Column({ type: 'varchar', length: 8 })
  locale!: string;

  /** A custom template id; null for the default template of the kind. */
  @Column({ name: 'template_id', type: 'varchar', length: 128, nullable: true })
  templateId!: string | null;

  /** The link's token, encrypted (AES-256-GCM) so the worker can put it in the mail; erased once sent or failed. */
  @Column({ name: 'sealed_token', type: 'varchar', length: 255, nullable: true })
  sealedToken!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: EmailDeliveryStatus;

  /** Attempts started so far; also the fencing number of the current claim. */
  @Column({ type: 'integer' })
  attempts!: number;

  /** `attempts` when it was last retried by hand: the retry policy counts its attempts from there. */
  @Column({ name: 'retried_after_attempts', type: 'integer', default: 0 })
  retriedAfterAttempts!: number;

  @Column({ name: 'last_error', type: 'varchar', length: 1024, nullable: true })
  lastError!: string | null;

  @Column({ name: 'next_attempt_at', type: Date })
  nextAttemptAt!: Date;

  /** While `sending`: until when the claiming worker owns it. Past it, the worker is presumed dead. */
  @Column({ name: 'lease_until', type: Date, nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: Date, nullable: true })
  sentAt!: Date | null;

  /** The Message-ID the mail was sent with. */
  @Column({ name: 'message_id', type: 'varchar', length: 255, nullable: true })
  messageId!: string | null;
}
