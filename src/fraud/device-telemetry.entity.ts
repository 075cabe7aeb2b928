import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { VerdictReason } from './verdict-reasons.js';

/**
 * What one run of the telemetry script left: its fingerprints and the warning flags its signals raised, never the
 * signals themselves. Looked up by `telemetry_id` until it expires; kept a little longer for velocity and deleted by
 * the retention cleanup (docs/device-fingerprinting.md).
 */
@Entity('fraud_telemetry')
@Index('IDX_fraud_telemetry_visitor_fingerprint_created_at', ['visitorFingerprint', 'createdAt'])
export class DeviceTelemetry {
  @PrimaryColumn({ name: 'telemetry_id', type: 'varchar', length: 64 })
  telemetryId!: string;

  @Column({ name: 'visitor_id', type: 'varchar', length: 64, nullable: true })
  visitorId!: string | null;

  @Column({ name: 'browser_id', type: 'varchar', length: 64, nullable: true })
  browserId!: string | null;

  @Column({ name: 'visitor_fingerprint', type: 'varchar', length: 64 })
  visitorFingerprint!: string;

  @Column({ name: 'browser_fingerprint', type: 'varchar', length: 64 })
  browserFingerprint!: string;

  @Column({ name: 'hardware_fingerprint', type: 'varchar', length: 64 })
  hardwareFingerprint!: string;

  @Column({ name: 'network_fingerprint', type: 'varchar', length: 64 })
  networkFingerprint!: string;

  /** The flags raised when the telemetry arrived; rules, overrides and shared-device counts apply at lookup. */
  @Column({ type: 'simple-json' })
  reasons!: VerdictReason[];

  @Column({ name: 'detected_device_type', type: 'varchar', length: 32 })
  detectedDeviceType!: string;

  /** The client address, for CIDR rules set after the telemetry arrived. */
  @Column({ name: 'ip_address', type: 'varchar', length: 64 })
  ipAddress!: string;

  /** ISO 3166-1 alpha-2, when a trusted proxy said it (`fraud.countryHeader`). */
  @Column({ name: 'country_code', type: 'varchar', length: 2, nullable: true })
  countryCode!: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Index('IDX_fraud_telemetry_expires_at')
  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;
}
