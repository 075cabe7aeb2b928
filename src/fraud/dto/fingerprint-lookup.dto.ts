import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { stytchError } from '../../http/stytch-validation.js';

const METADATA_FIELD = /^[A-Za-z0-9_\-+.@]*$/;
const metadataMessage = (field: string) =>
  `external_metadata.${field} must be at most 65 letters, digits, "_", "-", "+", "." or "@".`;

/** Stytch's `external_metadata`: your identifiers for this lookup. */
export class ExternalMetadataDto {
  @ApiPropertyOptional({ description: 'Your id of the user, if known.', example: 'user-1234', maxLength: 65 })
  @IsOptional()
  @IsString({ message: metadataMessage('external_id') })
  @MaxLength(65, { message: metadataMessage('external_id') })
  @Matches(METADATA_FIELD, { message: metadataMessage('external_id') })
  external_id?: string;

  @ApiPropertyOptional({ description: 'Your id of the organization, if any.', example: 'org-1234', maxLength: 65 })
  @IsOptional()
  @IsString({ message: metadataMessage('organization_id') })
  @MaxLength(65, { message: metadataMessage('organization_id') })
  @Matches(METADATA_FIELD, { message: metadataMessage('organization_id') })
  organization_id?: string;

  @ApiPropertyOptional({ description: 'What the user is doing, e.g. `login`.', example: 'login', maxLength: 65 })
  @IsOptional()
  @IsString({ message: metadataMessage('user_action') })
  @MaxLength(65, { message: metadataMessage('user_action') })
  @Matches(METADATA_FIELD, { message: metadataMessage('user_action') })
  user_action?: string;
}

/** `POST /v1/fingerprint/lookup`. */
export class FingerprintLookupDto {
  @ApiProperty({
    description: 'The telemetry_id that `GetTelemetryID()` resolved to in the browser.',
    example: '026ac93b-8cdf-4fcb-bfa6-36a31cfecac1',
    maxLength: 64,
  })
  @IsString(stytchError('bad_request', 'telemetry_id is required: pass the value GetTelemetryID() resolved to.'))
  @IsNotEmpty(stytchError('bad_request', 'telemetry_id is required: pass the value GetTelemetryID() resolved to.'))
  @MaxLength(64, stytchError('telemetry_id_not_found'))
  telemetry_id!: string;

  @ApiPropertyOptional({ type: ExternalMetadataDto })
  @IsOptional()
  @IsObject({ message: 'external_metadata must be an object with external_id, organization_id or user_action.' })
  @ValidateNested()
  @Type(() => ExternalMetadataDto)
  external_metadata?: ExternalMetadataDto;
}
