import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PublishedJwk } from './session-keys.service.js';

/** A generated RS256 key that signs session JWTs. Supplied keys (module options) are never stored. */
@Entity('session_signing_keys')
export class SessionSigningKey {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  /** The public JWK as the JWKS endpoint publishes it. */
  @Column({ name: 'public_jwk', type: 'simple-json' })
  publicJwk!: PublishedJwk;

  /** The private JWK, encrypted as a compact JWE (`dir`, A256GCM) under the session key encryption key. */
  @Column({ name: 'private_jwe', type: 'text' })
  privateJwe!: string;

  /**
   * `true` for the one key that signs, `null` once retired. The column is unique and NULLs do not collide, so
   * the database itself refuses a second signing key, however many gateways start at once.
   */
  @Column({ type: 'boolean', nullable: true, unique: true })
  active!: true | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'retired_at', type: Date, nullable: true })
  retiredAt!: Date | null;
}
