import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A user seen on a visitor fingerprint (the `external_id` of a lookup's metadata, or the user a magic link with a
 * telemetry id authenticated), to tell a device shared by many accounts.
 */
@Entity('fraud_device_users')
export class DeviceUser {
  @PrimaryColumn({ name: 'visitor_fingerprint', type: 'varchar', length: 64 })
  visitorFingerprint!: string;

  @PrimaryColumn({ name: 'user_key', type: 'varchar', length: 128 })
  userKey!: string;

  @Index('IDX_fraud_device_users_created_at')
  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}
