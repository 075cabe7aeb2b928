import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { createHmac, randomUUID } from 'node:crypto';
import type { DataSource, Repository } from 'typeorm';
import { EntityRows } from '../database/entity-rows.js';
import { FixedStatement } from '../database/fixed-statement.js';
import type { DeviceAttributes } from '../device/device-attributes.decorator.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { DeviceTelemetry } from './device-telemetry.entity.js';
import { fingerprintsOf, type Fingerprints } from './fingerprints.js';
import { FraudRulesService } from './fraud-rules.service.js';
import type { TelemetrySignals } from './telemetry-signals.js';
import { decideVerdict, type Verdict } from './verdict.js';
import { detectedDeviceType, signalReasons, type VerdictReason } from './verdict-reasons.js';
import { VerdictReasonsService } from './verdict-reasons.service.js';

/** Stytch's `external_metadata` of a lookup. */
export interface ExternalMetadata {
  external_id?: string;
  organization_id?: string;
  user_action?: string;
}

/** A lookup's answer, in Stytch's shape (without request_id and status_code). */
export interface FingerprintLookup {
  telemetry_id: string;
  fingerprints: Fingerprints;
  verdict: Verdict;
  external_metadata: ExternalMetadata;
  created_at: string;
  expires_at: string;
}

/** What the request carrying the telemetry says beside the script's signals. */
export interface TelemetrySource {
  device: DeviceAttributes;
  acceptLanguage: string | undefined;
  countryCode: string | undefined;
}

/**
 * Device fingerprinting: turns what the telemetry script gathered into a short-lived `telemetry_id` with its
 * fingerprints and warning flags, and answers lookups with Stytch's verdict, rules and overrides applied at that
 * moment (so a rule set after the telemetry arrived still counts). Logs ids, actions and reasons, never a signal.
 */
@Injectable()
export class DeviceFingerprintingService {
  private readonly logger = new Logger('DeviceFingerprinting');
  private readonly fingerprintKey: string;
  /** Telemetry of one visitor fingerprint since a moment, counted up to a cap. */
  private readonly recentTelemetry: FixedStatement;
  private readonly noteUserStatement: FixedStatement;
  private readonly usersOfDevice: FixedStatement;
  private readonly telemetryRows: EntityRows<DeviceTelemetry>;
  private readonly telemetryById: FixedStatement;

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    @InjectRepository(DeviceTelemetry) private readonly telemetry: Repository<DeviceTelemetry>,
    @InjectDataSource() dataSource: DataSource,
    private readonly rules: FraudRulesService,
    private readonly verdictReasons: VerdictReasonsService,
  ) {
    this.fingerprintKey = createHmac('sha256', options.tokenHashKey).update('device-fingerprints').digest('base64url');
    this.recentTelemetry = new FixedStatement(
      dataSource,
      'SELECT COUNT(*) AS recent FROM (SELECT 1 FROM fraud_telemetry WHERE visitor_fingerprint = $1 ' +
        'AND created_at > $2 LIMIT $3) AS recent_telemetry',
    );
    this.noteUserStatement = new FixedStatement(
      dataSource,
      'INSERT INTO fraud_device_users (visitor_fingerprint, user_key, created_at) VALUES ($1, $2, $3) ' +
        'ON CONFLICT (visitor_fingerprint, user_key) DO NOTHING',
    );
    // Lookups are the hot path (under 10 ms at p99 is the goal): hand-written statements, no query building.
    this.telemetryRows = new EntityRows(dataSource, DeviceTelemetry, 't');
    this.telemetryById = new FixedStatement(
      dataSource,
      `SELECT ${this.telemetryRows.select} FROM fraud_telemetry t WHERE t.telemetry_id = $1`,
    );
    this.usersOfDevice = new FixedStatement(
      dataSource,
      'SELECT COUNT(*) AS users FROM (SELECT 1 FROM fraud_device_users WHERE visitor_fingerprint = $1 LIMIT $2) ' +
        'AS device_users',
    );
  }

  /** Stores one run of the telemetry script and returns its new telemetry_id. */
  async record(signals: TelemetrySignals, source: TelemetrySource): Promise<string> {
    const fingerprints = fingerprintsOf(signals, source.device.ip_address, this.fingerprintKey);
    const reasons: VerdictReason[] = signalReasons(signals, {
      userAgent: source.device.user_agent,
      clientHintBrands: source.device.client_hints?.brands,
      acceptLanguage: source.acceptLanguage,
    });
    const now = new Date();
    const { limit, ttlSeconds } = this.options.fraud.velocity;
    const { records } = await this.recentTelemetry.run([
      fingerprints.visitor_fingerprint,
      new Date(now.getTime() - ttlSeconds * 1000),
      limit,
    ]);
    if (Number((records[0] as { recent: number | string }).recent) >= limit) reasons.push('SMART_RATE_LIMIT_WARNING');
    const telemetryId = randomUUID();
    await this.telemetry.insert({
      telemetryId,
      visitorId: fingerprints.visitor_id ?? null,
      browserId: fingerprints.browser_id ?? null,
      visitorFingerprint: fingerprints.visitor_fingerprint,
      browserFingerprint: fingerprints.browser_fingerprint,
      hardwareFingerprint: fingerprints.hardware_fingerprint,
      networkFingerprint: fingerprints.network_fingerprint,
      reasons,
      detectedDeviceType: detectedDeviceType(signals),
      ipAddress: source.device.ip_address,
      countryCode: source.countryCode ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.options.fraud.telemetryTtlSeconds * 1000),
    });
    this.logger.log({ telemetry_id: telemetryId, reasons }, 'Device telemetry recorded');
    return telemetryId;
  }

  /**
   * The fingerprints and verdict of a telemetry_id, or undefined when it is unknown or expired. An `external_id` in
   * the metadata is remembered on the device, to count the users it has seen.
   */
  async lookup(telemetryId: string, metadata: ExternalMetadata = {}): Promise<FingerprintLookup | undefined> {
    // Every telemetry_id is a UUID: anything else is unknown without asking the database.
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(telemetryId)) return undefined;
    const now = new Date();
    const { records } = await this.telemetryById.run([telemetryId]);
    const row = records[0] && this.telemetryRows.read(records[0] as Record<string, unknown>);
    if (!row || row.expiresAt <= now) return undefined;
    if (metadata.external_id !== undefined)
      await this.noteUser(row.visitorFingerprint, `external:${metadata.external_id}`);
    const reasons = [...row.reasons];
    if (await this.sharedByManyUsers(row.visitorFingerprint)) reasons.push('DEVICE_SHARED_BY_MANY_USERS');
    const [overrides, rule] = await Promise.all([this.verdictReasons.overrides(), this.rules.matching(row, now)]);
    const verdict = decideVerdict(reasons, overrides, row.detectedDeviceType, rule);
    this.logger.log(
      { telemetry_id: telemetryId, action: verdict.action, reasons: verdict.reasons },
      `Device verdict ${verdict.action}`,
    );
    return {
      telemetry_id: row.telemetryId,
      fingerprints: {
        network_fingerprint: row.networkFingerprint,
        hardware_fingerprint: row.hardwareFingerprint,
        browser_fingerprint: row.browserFingerprint,
        visitor_fingerprint: row.visitorFingerprint,
        visitor_id: row.visitorId ?? undefined,
        browser_id: row.browserId ?? undefined,
      },
      verdict,
      external_metadata: metadata,
      created_at: row.createdAt.toISOString(),
      expires_at: row.expiresAt.toISOString(),
    };
  }

  /** Remembers that a user (any stable key of theirs) used the device of this visitor fingerprint. */
  async noteUser(visitorFingerprint: string, userKey: string): Promise<void> {
    await this.noteUserStatement.run([visitorFingerprint, userKey.slice(0, 128), new Date()]);
  }

  private async sharedByManyUsers(visitorFingerprint: string): Promise<boolean> {
    const max = this.options.fraud.maxUsersPerDevice;
    const { records } = await this.usersOfDevice.run([visitorFingerprint, max + 1]);
    return Number((records[0] as { users: number | string }).users) > max;
  }
}
