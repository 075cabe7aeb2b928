import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { StytchResponseDto } from '../../http/stytch-response.dto.js';

export class ClientHintsResponse {
  @ApiPropertyOptional({ description: '`Sec-CH-UA`.', example: '"Chromium";v="140", "Not=A?Brand";v="24"' })
  brands?: string;

  @ApiPropertyOptional({ description: '`Sec-CH-UA-Mobile`.', example: '?0' })
  mobile?: string;

  @ApiPropertyOptional({ description: '`Sec-CH-UA-Platform`.', example: '"Linux"' })
  platform?: string;
}

export class EventAttributesResponse {
  @ApiProperty({ description: 'The client address (trusted-proxy aware).', example: '203.0.113.7' })
  ip_address!: string;

  @ApiProperty({
    description: 'The User-Agent header.',
    example: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
  })
  user_agent!: string;

  @ApiPropertyOptional({ type: ClientHintsResponse, description: 'The client hints, when the browser sent any.' })
  client_hints?: ClientHintsResponse;
}

export class EventVerdictResponse {
  @ApiProperty({ example: '026ac93b-8cdf-4fcb-bfa6-36a31cfecac1' })
  telemetry_id!: string;

  @ApiProperty({ enum: ['ALLOW', 'CHALLENGE', 'BLOCK'], example: 'ALLOW' })
  action!: string;

  @ApiProperty({ type: [String], example: [] })
  reasons!: string[];
}

export class MagicLinkEventResponse {
  @ApiProperty({ example: 'magic-link-event-test-0b8e4c2a-7d3f-4f4e-9a51-3c1f7e2d9b60' })
  event_id!: string;

  @ApiProperty({ example: 'magic-link-test-5f1c6a0e-4a0b-4b43-9d0e-2b2c36a0c8f1' })
  magic_link_id!: string;

  @ApiProperty({ type: 'string', nullable: true, example: 'email-test-81bf03a8-86e1-4d95-bd44-bb3495224953' })
  email_id!: string | null;

  @ApiProperty({
    enum: ['view', 'head', 'confirm', 'blocked'],
    description:
      '`view`: the page was loaded (GET); `head`: a HEAD request; `confirm`: the browser was sent on to the app; ' +
      '`blocked`: a confirm was refused (see `reason`).',
    example: 'view',
  })
  event_type!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description:
      'Why a confirm was refused: `invalid_nonce`, `stale_nonce`, `used_nonce`, `link_used`, `link_expired`, or the first ' +
      'blocking signal.',
    example: null,
  })
  reason!: string | null;

  @ApiProperty({ description: "True for the page's own confirm in `auto` mode, false for a click.", example: false })
  automatic!: boolean;

  @ApiProperty({
    type: [String],
    description:
      'Bot signals seen on the request: `bot_user_agent`, `headless_user_agent`, `no_fetch_metadata`, ' +
      '`no_client_hints`, `client_hints_mismatch`, `cross_site`, `webdriver`, `untrusted_click`, `too_fast`, ' +
      '`no_script`.',
    example: ['headless_user_agent'],
  })
  signals!: string[];

  @ApiProperty({ type: EventAttributesResponse })
  attributes!: EventAttributesResponse;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: "The page script's browser fingerprint (a hash), on confirms that ran the script.",
    example: '9f3a61c2b07d44e1',
  })
  fingerprint!: string | null;

  @ApiProperty({
    type: EventVerdictResponse,
    nullable: true,
    description:
      'The device fingerprinting verdict of the telemetry the page sent with a confirm (docs/device-fingerprinting.md).',
  })
  verdict!: EventVerdictResponse | null;

  @ApiProperty({ description: 'When the link was sent (RFC 3339).', example: '2025-11-24T09:30:00.000Z' })
  sent_at!: string;

  @ApiProperty({ description: 'When the event happened (RFC 3339).', example: '2025-11-24T09:30:20.412Z' })
  created_at!: string;

  @ApiProperty({ description: 'Seconds from sending to the event, to the millisecond.', example: 20.412 })
  seconds_since_sent!: number;
}

export class ListMagicLinkEventsResponse extends StytchResponseDto {
  @ApiProperty({ type: [MagicLinkEventResponse], description: 'Oldest first; at most the newest 200.' })
  events!: MagicLinkEventResponse[];
}
