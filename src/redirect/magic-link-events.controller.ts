import { Controller, Get } from '@nestjs/common';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { StytchApi } from '../http/stytch-api.decorator.js';
import { StytchException } from '../http/stytch.exception.js';
import { ListMagicLinkEventsDto } from './dto/list-magic-link-events.dto.js';
import { ListMagicLinkEventsResponse, MagicLinkEventResponse } from './dto/magic-link-event.response.js';
import type { MagicLinkEvent } from './magic-link-event.entity.js';
import { MagicLinkEventsService, secondsSinceSent } from './magic-link-events.service.js';
import { StytchQuery } from '../http/stytch-query.decorator.js';

/** A gateway extension (Stytch has no such endpoint): what happened at the redirect page of emailed links. */
@ApiTags(MAGIC_LINKS_API_TAGS.events.name)
@StytchApi()
@Controller('v1/magic_links/events')
export class MagicLinkEventsController {
  constructor(private readonly events: MagicLinkEventsService) {}

  @Get()
  @ApiOperation({
    summary: 'List the redirect-page events of emailed links (gateway extension)',
    description:
      'Every view, HEAD, confirm and blocked confirm of the page behind the links sent to one `email_id`, or of ' +
      'one `magic_link_id`, with the device attributes, bot signals and the seconds since the email was sent. ' +
      'Pass exactly one of the two.',
    operationId: 'gateway_magic_links_events',
  })
  @ApiOkResponse({ type: ListMagicLinkEventsResponse })
  @ApiStytchErrors('bad_request')
  async list(
    @StytchQuery() query: ListMagicLinkEventsDto,
  ): Promise<Omit<ListMagicLinkEventsResponse, 'request_id' | 'status_code'>> {
    const { email_id: emailId, magic_link_id: magicLinkId } = query;
    if ((emailId === undefined) === (magicLinkId === undefined)) {
      throw new StytchException('bad_request', 'Pass exactly one of email_id and magic_link_id.');
    }
    const events = await this.events.list(emailId !== undefined ? { emailId } : { magicLinkId: magicLinkId! });
    return { events: events.map(presentEvent) };
  }
}

function presentEvent(event: MagicLinkEvent): MagicLinkEventResponse {
  return {
    event_id: event.id,
    magic_link_id: event.magicLinkId,
    email_id: event.emailId,
    event_type: event.type,
    reason: event.reason,
    automatic: event.automatic,
    signals: event.signals,
    attributes: {
      ip_address: event.ipAddress,
      user_agent: event.userAgent,
      ...(event.clientHints && { client_hints: event.clientHints }),
    },
    fingerprint: event.fingerprint,
    verdict:
      event.telemetryId === null
        ? null
        : { telemetry_id: event.telemetryId, action: event.verdictAction ?? '', reasons: event.verdictReasons ?? [] },
    sent_at: event.sentAt.toISOString(),
    created_at: event.createdAt.toISOString(),
    seconds_since_sent: secondsSinceSent(event),
  };
}
