import { Column, Entity, OneToMany, PrimaryColumn, type Relation } from 'typeorm';
import { UserEmail } from './user-email.entity.js';

export type UserStatus = 'active' | 'pending';

export interface UserName {
  first_name?: string;
  middle_name?: string;
  last_name?: string;
}

@Entity('users')
export class User {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 128, nullable: true, unique: true })
  externalId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: UserStatus;

  @Column({ type: 'simple-json', nullable: true })
  name!: UserName | null;

  @Column({ name: 'trusted_metadata', type: 'simple-json', nullable: true })
  trustedMetadata!: Record<string, unknown> | null;

  @Column({ name: 'untrusted_metadata', type: 'simple-json', nullable: true })
  untrustedMetadata!: Record<string, unknown> | null;

  @Column({ type: 'simple-json', nullable: true })
  roles!: string[] | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @OneToMany(() => UserEmail, (email) => email.user)
  emails!: Relation<UserEmail[]>;
}
