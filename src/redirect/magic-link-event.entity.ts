import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { MagicLink } from '../magic-links/magic-link.entity.js';

/**
 * What happened at an emailed link's redirect page: `view` (GET), `head` (HEAD), `confirm` (the browser was sent on
 * to the app) or `blocked` (a confirm that was refused, with its reason).
 */
export type MagicLinkEventType = 'view' | 'head' | 'confirm' | 'blocked';

/** One hit on the redirect page of an emailed link, kept so an operator can tell a scanner from a person. */
@Entity('magic_link_events')
@Index('IDX_magic_link_events_magic_link_id_type', ['magicLinkId', 'type'])
@Index('IDX_magic_link_events_ip_address_created_at', ['ipAddress', 'createdAt'])
export class MagicLinkEvent {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'magic_link_id', type: 'varchar', length: 64 })
  magicLinkId!: string;

  @ManyToOne(() => MagicLink, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'magic_link_id' })
  magicLink!: Relation<MagicLink>;

  /** The link's email, copied so that the events of an email are one indexed lookup. */
  @Index('IDX_magic_link_events_email_id')
  @Column({ name: 'email_id', type: 'varchar', length: 64, nullable: true })
  emailId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  type!: MagicLinkEventType;

  /** Why a confirm was blocked: the first blocking signal, or a nonce or link problem. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  reason!: string | null;

  /** True for the page's own confirm in `auto` mode, false for a click. */
  @Column({ type: 'boolean' })
  automatic!: boolean;

  /** Every bot signal seen on the request, blocking or not. */
  @Column({ type: 'simple-json' })
  signals!: string[];

  @Column({ name: 'ip_address', type: 'varchar', length: 64 })
  ipAddress!: string;

  @Column({ name: 'user_agent', type: 'varchar', length: 1024 })
  userAgent!: string;

  /** The `Sec-CH-UA*` client hints the browser sent, if any. */
  @Column({ name: 'client_hints', type: 'simple-json', nullable: true })
  clientHints!: Record<string, string> | null;

  /** The page script's hash of browser properties; only on confirms and blocked confirms that ran the script. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  fingerprint!: string | null;

  /** The device telemetry the page sent with a confirm, and the verdict it had then (docs/device-fingerprinting.md). */
  @Column({ name: 'telemetry_id', type: 'varchar', length: 64, nullable: true })
  telemetryId!: string | null;

  @Column({ name: 'verdict_action', type: 'varchar', length: 16, nullable: true })
  verdictAction!: string | null;

  @Column({ name: 'verdict_reasons', type: 'simple-json', nullable: true })
  verdictReasons!: string[] | null;

  /** The telemetry's visitor fingerprint, which `device_match_required` compares with a telemetry_id's. */
  @Column({ name: 'visitor_fingerprint', type: 'varchar', length: 64, nullable: true })
  visitorFingerprint!: string | null;

  /** When the link was created, which is when its email was sent. */
  @Column({ name: 'sent_at', type: Date })
  sentAt!: Date;

  @Index('IDX_magic_link_events_created_at')
  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}
