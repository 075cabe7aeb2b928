import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsEmpty } from 'class-validator';
import { stytchError } from '../../http/stytch-validation.js';
import { IsEmailAddress } from '../email-address.js';

/** `PUT /v1/users/{user_id}/exchange_primary_factor`, for the email factor only. */
export class ExchangePrimaryFactorDto {
  @ApiPropertyOptional({ description: 'Not supported by this gateway (SMS is out of scope); must be omitted.' })
  @IsEmpty(
    stytchError(
      'invalid_exchange_primary_factor_fields',
      'phone_number is not supported by this gateway: exchange the email for another email_address instead.',
    ),
  )
  phone_number?: string;

  @ApiProperty({
    description: "The address that replaces the user's only email. It gets a new email_id and starts unverified.",
    example: 'ada.king@example.com',
    maxLength: 254,
  })
  @IsDefined(stytchError('invalid_exchange_primary_factor_fields'))
  @IsEmailAddress(
    stytchError('invalid_email', 'email_address is invalid: pass one bare address such as ada@example.com.'),
  )
  email_address!: string;
}
