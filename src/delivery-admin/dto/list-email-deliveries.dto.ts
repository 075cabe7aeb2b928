import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { EMAIL_DELIVERY_STATUSES, type EmailDeliveryStatus } from '../../email/email-delivery.entity.js';
import { stytchError } from '../../http/stytch-validation.js';
import { IsEmailAddress } from '../../users/email-address.js';

/**
 * An RFC 3339 time (ISO 8601 also allows week and ordinal dates, which `Date` cannot read) in a year every
 * database stores (PostgreSQL has no year 0; no delivery is older than 1970).
 */
const RFC_3339 = /^(?:19[7-9]\d|[2-9]\d{3})-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)$/;

/** Which deliveries to list, newest first, one page at a time. Every filter is optional; they combine. */
export class ListEmailDeliveriesDto {
  @ApiPropertyOptional({
    enum: EMAIL_DELIVERY_STATUSES,
    description: 'Only deliveries in this status.',
    example: 'failed',
  })
  @IsOptional()
  @IsIn(EMAIL_DELIVERY_STATUSES, {
    message: `status must be one of: ${EMAIL_DELIVERY_STATUSES.join(', ')}.`,
  })
  status?: EmailDeliveryStatus;

  @ApiPropertyOptional({
    description: 'Only deliveries to this address, exactly as the deliveries show it (`email`).',
    example: 'ada@example.com',
  })
  @IsOptional()
  @IsEmailAddress(stytchError('invalid_email'))
  email?: string;

  @ApiPropertyOptional({
    description: 'Only deliveries created at or after this time (RFC 3339).',
    example: '2025-11-24T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'created_after must be an RFC 3339 time such as 2025-11-24T00:00:00Z.' })
  @Matches(RFC_3339, { message: 'created_after must be an RFC 3339 time from 1970 on, such as 2025-11-24T00:00:00Z.' })
  created_after?: string;

  @ApiPropertyOptional({
    // No example: "Try it out" prefills every example, and a fixed end would hide every newer delivery.
    description: 'Only deliveries created before this time (RFC 3339).',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'created_before must be an RFC 3339 time such as 2025-11-25T00:00:00Z.' })
  @Matches(RFC_3339, { message: 'created_before must be an RFC 3339 time from 1970 on, such as 2025-11-25T00:00:00Z.' })
  created_before?: string;

  @ApiPropertyOptional({ description: 'Deliveries per page, from 1 to 200 (default 50).', example: '50' })
  @IsOptional()
  @Matches(/^(?:[1-9]|[1-9][0-9]|1[0-9][0-9]|200)$/, { message: 'limit must be a whole number from 1 to 200.' })
  limit?: string;

  @ApiPropertyOptional({
    // No example: a made-up cursor is refused.
    description: 'The `next_cursor` of the previous page, unchanged, to read the next one (with the same filters).',
  })
  @IsOptional()
  @IsString({ message: 'cursor must be a string.' })
  cursor?: string;
}
