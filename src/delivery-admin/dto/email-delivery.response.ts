import { ApiProperty } from '@nestjs/swagger';
import { EMAIL_DELIVERY_STATUSES } from '../../email/email-delivery.entity.js';
import { StytchResponseDto } from '../../http/stytch-response.dto.js';

export class EmailDeliveryAttemptResponse {
  @ApiProperty({ description: 'The attempt, counted from 1.', example: 1 })
  attempt!: number;

  @ApiProperty({ description: 'When it started (RFC 3339).', example: '2025-11-24T09:30:00.112Z' })
  started_at!: string;

  @ApiProperty({ description: 'When it ended (RFC 3339).', example: '2025-11-24T09:30:00.391Z' })
  ended_at!: string;

  @ApiProperty({
    enum: ['sent', 'retrying', 'failed'],
    description:
      '`sent`: the mail server accepted the mail; `retrying`: it failed and another attempt follows; ' +
      '`failed`: it failed and was the last.',
    example: 'retrying',
  })
  outcome!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Why it failed, as the mail server or the gateway said it.',
    example: "Can't send mail - all recipients were rejected: 550 5.1.1 Mailbox unavailable",
  })
  error!: string | null;
}

/** A delivery as the administration API shows it: never its token nor its link. */
export class EmailDeliveryResponse {
  @ApiProperty({ example: 'email-delivery-test-3f7c1b2e-9d4a-4c61-8e0f-5a2b7c9d1e34' })
  delivery_id!: string;

  @ApiProperty({ example: 'magic-link-test-5f1c6a0e-4a0b-4b43-9d0e-2b2c36a0c8f1' })
  magic_link_id!: string;

  @ApiProperty({ example: 'user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6' })
  user_id!: string;

  @ApiProperty({ description: 'The address the mail goes to.', example: 'ada@example.com' })
  email!: string;

  @ApiProperty({ enum: ['login', 'signup', 'invite'], example: 'login' })
  kind!: string;

  @ApiProperty({ example: 'en' })
  locale!: string;

  @ApiProperty({ type: 'string', nullable: true, description: 'The custom template, if any.', example: null })
  template_id!: string | null;

  @ApiProperty({
    enum: EMAIL_DELIVERY_STATUSES,
    description:
      '`queued`: waiting for its next attempt; `sending`: an attempt is running; `sent`: the mail server accepted ' +
      'it; `failed`: its attempts are spent or its link expired (retry it); `cancelled`: cancelled by hand.',
    example: 'failed',
  })
  status!: string;

  @ApiProperty({ description: 'Attempts started so far.', example: 10 })
  attempt_count!: number;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'The error of the latest failed attempt; null once sent.',
    example: "Can't send mail - all recipients were rejected: 550 5.1.1 Mailbox unavailable",
  })
  last_error!: string | null;

  @ApiProperty({ description: 'When it was created (RFC 3339).', example: '2025-11-24T09:29:59.870Z' })
  created_at!: string;

  @ApiProperty({
    description: 'While queued: when its next attempt is due (RFC 3339); otherwise when the last one was.',
    example: '2025-11-24T09:35:12.000Z',
  })
  next_attempt_at!: string;

  @ApiProperty({ type: 'string', nullable: true, description: 'When it was sent (RFC 3339).', example: null })
  sent_at!: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'The Message-ID it was sent with.',
    example: null,
  })
  message_id!: string | null;
}

export class EmailDeliveryWithAttemptsResponse extends EmailDeliveryResponse {
  @ApiProperty({
    type: [EmailDeliveryAttemptResponse],
    description: 'Its finished attempts, oldest first (an attempt cut short by a crash is counted, not listed).',
  })
  attempts!: EmailDeliveryAttemptResponse[];
}

export class ListEmailDeliveriesResponse extends StytchResponseDto {
  @ApiProperty({ type: [EmailDeliveryResponse], description: 'Newest first.' })
  deliveries!: EmailDeliveryResponse[];

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass it as `cursor` to read the next page; null on the last page.',
    example: null,
  })
  next_cursor!: string | null;
}

export class GetEmailDeliveryResponse extends StytchResponseDto {
  @ApiProperty({ type: EmailDeliveryWithAttemptsResponse })
  delivery!: EmailDeliveryWithAttemptsResponse;
}
