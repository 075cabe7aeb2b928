import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity.js';

/** How a link reached its user: `embedded` (POST /v1/magic_links) or an email of one of the three kinds. */
export type MagicLinkType = 'embedded' | 'login' | 'signup' | 'invite';

@Entity('magic_links')
export class MagicLink {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  /** HMAC-SHA-256 of the token under the configured key; the token itself is never stored. */
  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user!: Relation<User>;

  /** The email the link was sent to; null for embeddable links. */
  @Column({ name: 'email_id', type: 'varchar', length: 64, nullable: true })
  emailId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  type!: MagicLinkType;

  /** The registered app URL the redirect page forwards to; null for embeddable links. */
  @Column({ name: 'redirect_url', type: 'varchar', length: 2048, nullable: true })
  redirectUrl!: string | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  locale!: string | null;

  /** PKCE S256 challenge given when the link was requested. */
  @Column({ name: 'code_challenge', type: 'varchar', length: 128, nullable: true })
  codeChallenge!: string | null;

  /** `attributes` given when the link was requested, compared by authenticate's `options`. */
  @Column({ name: 'ip_address', type: 'varchar', length: 64, nullable: true })
  ipAddress!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 1024, nullable: true })
  userAgent!: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  @Column({ name: 'consumed_at', type: Date, nullable: true })
  consumedAt!: Date | null;
}
