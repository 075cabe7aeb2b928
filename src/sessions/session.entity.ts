import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity.js';

/** One factor that authenticated a session, as Stytch's Session object lists it. */
export interface AuthenticationFactor {
  type: 'magic_link';
  delivery_method: 'email' | 'embedded';
  email_factor?: { email_id: string; email_address: string };
  embeddable_magic_link_factor?: { embedded_id: string };
  last_authenticated_at: string;
  created_at: string;
  updated_at: string;
}

@Entity('sessions')
export class Session {
  /** `session-test-<uuid>`. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user!: Relation<User>;

  /** HMAC-SHA-256 of the session token under the configured key; the token itself is never stored. */
  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash!: string;

  /** Bumped by every write, so concurrent read-modify-writes of the JSON columns cannot lose each other's changes. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'started_at', type: Date })
  startedAt!: Date;

  @Column({ name: 'last_accessed_at', type: Date })
  lastAccessedAt!: Date;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  /** `attributes` of the authenticate call that started the session. */
  @Column({ name: 'ip_address', type: 'varchar', length: 64, nullable: true })
  ipAddress!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 1024, nullable: true })
  userAgent!: string | null;

  @Column({ name: 'authentication_factors', type: 'simple-json' })
  authenticationFactors!: AuthenticationFactor[];

  // `any`, not `unknown`: TypeORM's update types cannot take an open record of unknowns.
  @Column({ name: 'custom_claims', type: 'simple-json', nullable: true })
  customClaims!: Record<string, any> | null;
}
