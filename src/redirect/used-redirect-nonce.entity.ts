import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A confirm nonce of the redirect page that a confirm has used, kept until the nonce would be refused as stale
 * anyway; the retention cleanup then deletes it.
 */
@Entity('redirect_used_nonces')
export class UsedRedirectNonce {
  /** SHA-256 of the nonce, hex. */
  @PrimaryColumn({ name: 'nonce_hash', type: 'varchar', length: 64 })
  nonceHash!: string;

  @Index('IDX_redirect_used_nonces_expires_at')
  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;
}
