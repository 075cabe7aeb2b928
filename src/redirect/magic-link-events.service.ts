import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { FixedStatement } from '../database/fixed-statement.js';
import { isForeignKeyViolation } from '../database/foreign-key-violation.js';
import type { AttributesDto } from '../device/attributes.dto.js';
import type { DeviceAttributes } from '../device/device-attributes.decorator.js';
import { newId } from '../ids/ids.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { DeviceConfirmations } from '../magic-links/device-confirmations.js';
import type { MagicLink } from '../magic-links/magic-link.entity.js';
import type { BotSignal } from './bot-signals.js';
import { MagicLinkEvent, type MagicLinkEventType } from './magic-link-event.entity.js';
import { MagicLinksMetrics } from '../metrics/magic-links-metrics.service.js';

/** The most events one listing returns, newest kept. */
export const MAX_LISTED_EVENTS = 200;

export interface EventDetails {
  device: DeviceAttributes;
  signals: BotSignal[];
  reason?: string;
  automatic?: boolean;
  fingerprint?: string;
  verdict?: EventVerdict;
}

/** The device fingerprinting verdict of the telemetry a confirm carried. */
export interface EventVerdict {
  telemetryId: string;
  action: string;
  reasons: string[];
  visitorFingerprint: string;
}

/**
 * Logs every hit on an emailed link's redirect page and stores it, up to the caps of `eventLimits` (per link and
 * type, and per client address in a window), so that whoever can open a link cannot grow the database with it.
 * Lists what was stored.
 */
@Injectable()
export class MagicLinkEventsService implements DeviceConfirmations {
  private readonly logger = new Logger('MagicLinkEvents');
  /** How many events the link has of the type, and the address in the window, each counted only up to its cap. */
  private readonly stored: FixedStatement;

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    @InjectRepository(MagicLinkEvent) private readonly events: Repository<MagicLinkEvent>,
    @InjectDataSource() dataSource: DataSource,
    private readonly metrics: MagicLinksMetrics,
  ) {
    this.stored = new FixedStatement(
      dataSource,
      'SELECT ' +
        '(SELECT COUNT(*) FROM (SELECT 1 FROM magic_link_events WHERE magic_link_id = $1 AND type = $2 LIMIT $3) ' +
        'AS of_link) AS of_link, ' +
        '(SELECT COUNT(*) FROM (SELECT 1 FROM magic_link_events WHERE ip_address = $4 AND created_at > $5 ' +
        "AND type <> 'confirm' LIMIT $6) AS of_ip) AS of_ip",
    );
  }

  async record(
    link: Pick<MagicLink, 'id' | 'emailId' | 'createdAt'>,
    type: MagicLinkEventType,
    details: EventDetails,
  ): Promise<void> {
    const event = {
      id: newId('magic-link-event', this.options.environment),
      magicLinkId: link.id,
      emailId: link.emailId,
      type,
      reason: details.reason ?? null,
      automatic: details.automatic ?? false,
      signals: details.signals,
      ipAddress: details.device.ip_address,
      userAgent: details.device.user_agent,
      clientHints: details.device.client_hints ? { ...details.device.client_hints } : null,
      fingerprint: details.fingerprint ?? null,
      telemetryId: details.verdict?.telemetryId ?? null,
      verdictAction: details.verdict?.action ?? null,
      verdictReasons: details.verdict?.reasons ?? null,
      visitorFingerprint: details.verdict?.visitorFingerprint ?? null,
      sentAt: link.createdAt,
      createdAt: new Date(),
    } satisfies Omit<MagicLinkEvent, 'magicLink'>;
    const caps = await this.underCaps(event);
    const stored = caps.room && (await this.insert(event));
    const seconds = secondsSinceSent(event);
    this.metrics.redirectEvent(type, details, seconds, stored && type === 'view' && caps.firstOfType);
    this.logger.log(
      {
        magic_link_event: type,
        magic_link_event_id: event.id,
        magic_link_id: link.id,
        email_id: link.emailId,
        seconds_since_sent: seconds,
        reason: event.reason,
        automatic: event.automatic,
        signals: event.signals,
        verdict: event.verdictAction,
        ip_address: event.ipAddress,
        user_agent: event.userAgent,
        stored,
      },
      `Magic link ${type}${event.reason ? ` (${event.reason})` : ''} ${seconds} s after sending` +
        (stored ? '' : ', not stored'),
    );
  }

  /**
   * Whether the caps leave room for the event, and whether it is the link's first of its type (for the metrics).
   * Checked before the insert rather than with it, so requests racing for the last place may each store one: the
   * overshoot is bounded by the requests in flight at that instant.
   * Confirms, which device matching reads, are not held to the per-address cap that views on a shared NAT could fill.
   */
  private async underCaps(event: Pick<MagicLinkEvent, 'magicLinkId' | 'type' | 'ipAddress' | 'createdAt'>) {
    const { perLinkAndType, perIp } = this.options.eventLimits;
    const since = new Date(event.createdAt.getTime() - perIp.ttlSeconds * 1000);
    const { records } = await this.stored.run([
      event.magicLinkId,
      event.type,
      perLinkAndType,
      event.ipAddress,
      since,
      perIp.limit,
    ]);
    const counts = records[0] as { of_link: number | string; of_ip: number | string };
    return {
      room: Number(counts.of_link) < perLinkAndType && (event.type === 'confirm' || Number(counts.of_ip) < perIp.limit),
      firstOfType: Number(counts.of_link) === 0,
    };
  }

  /** Stores the event; false when its link was deleted meanwhile (the retention cleanup removed it). */
  private async insert(event: Omit<MagicLinkEvent, 'magicLink'>): Promise<boolean> {
    try {
      await this.events.insert(event);
      return true;
    } catch (error) {
      if (isForeignKeyViolation(error)) return false;
      throw error;
    }
  }

  /** The events of one email's links or of one link, oldest first (at most the newest MAX_LISTED_EVENTS). */
  async list(filter: { emailId: string } | { magicLinkId: string }): Promise<MagicLinkEvent[]> {
    const newest = await this.events.find({
      where: 'emailId' in filter ? { emailId: filter.emailId } : { magicLinkId: filter.magicLinkId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: MAX_LISTED_EVENTS,
    });
    return newest.reverse();
  }

  /**
   * A confirm of the link by the device: with a visitor fingerprint (from the telemetry_id the app passed), one
   * whose page telemetry had that fingerprint; else one whose attributes equal every one passed (at least one).
   */
  async confirmedFromDevice(
    magicLinkId: string,
    attributes: AttributesDto | undefined,
    visitorFingerprint?: string,
  ): Promise<boolean> {
    const { ip_address: ipAddress, user_agent: userAgent } = attributes ?? {};
    if (visitorFingerprint === undefined && ipAddress === undefined && userAgent === undefined) return false;
    const confirms = await this.events.find({
      where: { magicLinkId, type: 'confirm' },
      select: { id: true, ipAddress: true, userAgent: true, visitorFingerprint: true },
    });
    if (visitorFingerprint !== undefined) {
      return confirms.some((confirm) => confirm.visitorFingerprint === visitorFingerprint);
    }
    return confirms.some(
      (confirm) =>
        (ipAddress === undefined || confirm.ipAddress === ipAddress) &&
        (userAgent === undefined || confirm.userAgent === userAgent),
    );
  }
}

/** Seconds between the link's email and the event, to the millisecond. */
export function secondsSinceSent(event: Pick<MagicLinkEvent, 'createdAt' | 'sentAt'>): number {
  return Math.round(event.createdAt.getTime() - event.sentAt.getTime()) / 1000;
}
