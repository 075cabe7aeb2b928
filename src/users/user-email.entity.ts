import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from './user.entity.js';

@Entity('user_emails')
export class UserEmail {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @ManyToOne(() => User, (user) => user.emails, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user!: Relation<User>;

  /** As the user typed it, for display and delivery. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /** Lower-cased: the unique key, so one mailbox is one user whatever its spelling. */
  @Column({ name: 'email_normalized', type: 'varchar', length: 254, unique: true })
  emailNormalized!: string;

  @Column({ type: 'boolean' })
  verified!: boolean;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}
