import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AttributesDto } from '../device/attributes.dto.js';
import type { DeviceAttributes } from '../device/device-attributes.decorator.js';
import { newId } from '../ids/ids.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { DeviceConfirmations } from '../magic-links/device-confirmations.js';
import type { MagicLink } from '../magic-links/magic-link.entity.js';
import type { BotSignal } from './bot-signals.js';
import { MagicLinkEvent, type MagicLinkEventType } from './magic-link-event.entity.js';

/** The most events one listing returns, newest kept. */
export const MAX_LISTED_EVENTS = 200;

export interface EventDetails {
  device: DeviceAttributes;
  signals: BotSignal[];
  reason?: string;
  automatic?: boolean;
  fingerprint?: string;
}

/** Records every hit on an emailed link's redirect page, in the database and in the logs, and lists them. */
@Injectable()
export class MagicLinkEventsService implements DeviceConfirmations {
  private readonly logger = new Logger('MagicLinkEvents');

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    @InjectRepository(MagicLinkEvent) private readonly events: Repository<MagicLinkEvent>,
  ) {}

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
      sentAt: link.createdAt,
      createdAt: new Date(),
    } satisfies Omit<MagicLinkEvent, 'magicLink'>;
    await this.events.insert(event);
    const seconds = secondsSinceSent(event);
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
        ip_address: event.ipAddress,
        user_agent: event.userAgent,
      },
      `Magic link ${type}${event.reason ? ` (${event.reason})` : ''} ${seconds} s after sending`,
    );
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

  /** A confirm of the link by a device whose attributes equal every one passed (at least one is required). */
  async confirmedFromDevice(magicLinkId: string, attributes: AttributesDto | undefined): Promise<boolean> {
    const { ip_address: ipAddress, user_agent: userAgent } = attributes ?? {};
    if (ipAddress === undefined && userAgent === undefined) return false;
    const confirms = await this.events.find({
      where: { magicLinkId, type: 'confirm' },
      select: { id: true, ipAddress: true, userAgent: true },
    });
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
