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
import { RULE_TYPES, type RuleType } from './fraud-rule-types.js';
import { FraudPolicyCache } from './fraud-policy.cache.js';
import { matchRule, type RuleCandidate } from './rule-matching.js';
import type { TelemetrySignals } from './telemetry-signals.js';
import { decideVerdict, type Verdict } from './verdict.js';
import { detectedDeviceType, signalReasons, type VerdictAction, type VerdictReason } from './verdict-reasons.js';

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
  private readonly noteUserOfTelemetry: FixedStatement;
  private readonly telemetryRows: EntityRows<DeviceTelemetry>;
  private readonly lookupStatement: FixedStatement;

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    @InjectRepository(DeviceTelemetry) private readonly telemetry: Repository<DeviceTelemetry>,
    @InjectDataSource() dataSource: DataSource,
    private readonly policy: FraudPolicyCache,
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
    this.noteUserOfTelemetry = new FixedStatement(
      dataSource,
      'INSERT INTO fraud_device_users (visitor_fingerprint, user_key, created_at) SELECT t.visitor_fingerprint, $1, $2 ' +
        'FROM fraud_telemetry t WHERE t.telemetry_id = $3 AND t.expires_at > $4 ' +
        'ON CONFLICT (visitor_fingerprint, user_key) DO NOTHING',
    );
    // Lookups are the hot path (under 10 ms at p99 is the goal): one hand-written statement reads the record, whether
    // its device has more users than allowed, the policy generation and the strongest rule that an index can match.
    this.telemetryRows = new EntityRows(dataSource, DeviceTelemetry, 't');
    const indexedRuleTypes = RULE_TYPES.filter((type) => type !== 'CIDR_BLOCK');
    const ruleColumn: Record<Exclude<RuleType, 'CIDR_BLOCK'>, string> = {
      VISITOR_ID: 't.visitor_id',
      BROWSER_ID: 't.browser_id',
      VISITOR_FINGERPRINT: 't.visitor_fingerprint',
      BROWSER_FINGERPRINT: 't.browser_fingerprint',
      HARDWARE_FINGERPRINT: 't.hardware_fingerprint',
      NETWORK_FINGERPRINT: 't.network_fingerprint',
      COUNTRY_CODE: 't.country_code',
    };
    const byIdentifier = indexedRuleTypes
      .map((type) => `(r.rule_type = '${type}' AND r.identifier = ${ruleColumn[type]})`)
      .join(' OR ');
    const precedence = indexedRuleTypes.map((type, index) => `WHEN '${type}' THEN ${index}`).join(' ');
    this.lookupStatement = new FixedStatement(
      dataSource,
      `SELECT ${this.telemetryRows.select}, ` +
        '(SELECT g.generation FROM fraud_policy_generation g WHERE g.id = 1) AS policy_generation, ' +
        'EXISTS (SELECT 1 FROM fraud_device_users u WHERE u.visitor_fingerprint = t.visitor_fingerprint ' +
        'ORDER BY u.user_key LIMIT 1 OFFSET $1) AS shared_by_many_users, ' +
        "(SELECT r.rule_type || ' ' || r.action || ' ' || r.identifier FROM fraud_rules r " +
        `WHERE (${byIdentifier}) AND (r.expires_at IS NULL OR r.expires_at > $2) ` +
        `ORDER BY CASE r.rule_type ${precedence} END LIMIT 1) AS indexed_rule ` +
        'FROM fraud_telemetry t WHERE t.telemetry_id = $3',
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
    if (metadata.external_id !== undefined) {
      await this.noteUserOfTelemetry.run([`external:${metadata.external_id}`.slice(0, 128), now, telemetryId, now]);
    }
    const { records } = await this.lookupStatement.run([this.options.fraud.maxUsersPerDevice, now, telemetryId]);
    const record = records[0] as Record<string, unknown> | undefined;
    const row = record && this.telemetryRows.read(record);
    if (!record || !row || row.expiresAt <= now) return undefined;
    const reasons = [...row.reasons];
    if (Number(record.shared_by_many_users)) reasons.push('DEVICE_SHARED_BY_MANY_USERS');
    const generation = record.policy_generation === null ? null : Number(record.policy_generation);
    const policy = await this.policy.policy(generation);
    const candidates: RuleCandidate[] = policy.cidrRules.filter(
      (rule) => rule.expiresAt === null || rule.expiresAt > now,
    );
    if (typeof record.indexed_rule === 'string') candidates.push(indexedRule(record.indexed_rule));
    const verdict = decideVerdict(reasons, policy.overrides, row.detectedDeviceType, matchRule(candidates, row));
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
}

/** The rule of the lookup statement's `indexed_rule`: its type, action and identifier, in that order. */
function indexedRule(text: string): RuleCandidate {
  const [ruleType, action] = text.split(' ', 2);
  return {
    ruleType: ruleType as RuleType,
    action: action as VerdictAction,
    identifier: text.slice(ruleType.length + action.length + 2),
  };
}
