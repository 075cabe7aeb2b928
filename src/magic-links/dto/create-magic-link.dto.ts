import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { AttributesDto } from '../../device/attributes.dto.js';
import { stytchError } from '../../http/stytch-validation.js';

export const MIN_EXPIRATION_MINUTES = 5;
export const MAX_EXPIRATION_MINUTES = 10080;

/** `POST /v1/magic_links`: the seed's `api_magic_v1_CreateRequest`. */
export class CreateMagicLinkDto {
  @ApiProperty({
    description: 'The unique ID of a specific User. You may use an `external_id` here if one is set for the user.',
    example: 'user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6',
  })
  @IsString(stytchError('invalid_user_id', 'user_id is required: pass the user_id or external_id of the user.'))
  @MaxLength(128, stytchError('invalid_user_id'))
  user_id!: string;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int32',
    description:
      'Set the expiration for the Magic Link `token` in minutes. By default, it expires in 1 hour. The minimum expiration is 5 minutes and the maximum is 7 days (10080 mins).',
    minimum: MIN_EXPIRATION_MINUTES,
    maximum: MAX_EXPIRATION_MINUTES,
    default: 60,
    example: 60,
  })
  @IsOptional()
  @IsInt(stytchError('invalid_expiration'))
  @Min(MIN_EXPIRATION_MINUTES, stytchError('invalid_expiration'))
  @Max(MAX_EXPIRATION_MINUTES, stytchError('invalid_expiration'))
  expiration_minutes?: number;

  @ApiPropertyOptional({
    type: AttributesDto,
    description:
      'Provided attributes to help with fraud detection. These values are pulled and passed into Stytch endpoints by your application.',
  })
  @IsOptional()
  @IsObject({ message: 'attributes must be an object with ip_address and user_agent.' })
  @ValidateNested()
  @Type(() => AttributesDto)
  attributes?: AttributesDto;
}
