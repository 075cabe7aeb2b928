import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { AttributesDto } from '../../device/attributes.dto.js';
import { stytchError } from '../../http/stytch-validation.js';
import { MAX_SESSION_DURATION_MINUTES, MIN_SESSION_DURATION_MINUTES } from '../../sessions/session-duration.js';

export class AuthenticateOptionsDto {
  @ApiPropertyOptional({
    description:
      "Require that the IP address the Magic Link was requested from matches the IP address it's clicked from.",
    example: false,
  })
  @IsOptional()
  @IsBoolean({ message: 'options.ip_match_required must be true or false.' })
  ip_match_required?: boolean;

  @ApiPropertyOptional({
    description:
      "Require that the user agent the Magic Link was requested from matches the user agent it's clicked from.",
    example: false,
  })
  @IsOptional()
  @IsBoolean({ message: 'options.user_agent_match_required must be true or false.' })
  user_agent_match_required?: boolean;

  @ApiPropertyOptional({
    description:
      'Gateway extension: require that the link was confirmed on its redirect page by the device whose ' +
      '`attributes` (ip_address and/or user_agent, at least one) are passed here, or, with a `telemetry_id`, by ' +
      'a device with the same visitor fingerprint. See docs/redirect-routing.md.',
    example: false,
  })
  @IsOptional()
  @IsBoolean({ message: 'options.device_match_required must be true or false.' })
  device_match_required?: boolean;
}

export class AuthenticateMagicLinkDto {
  @ApiProperty({
    description: 'The token from the `?token=` parameter of the redirect URL.',
    example: 'DOYoip3rvIMMW5lgItikFK-Ak1CfMsgjuiCyI7uuU94=',
    maxLength: 512,
  })
  @IsString(stytchError('invalid_token', 'token is required: pass the token parameter of the magic link URL.'))
  @IsNotEmpty(stytchError('invalid_token', 'token is required: pass the token parameter of the magic link URL.'))
  @MaxLength(512, stytchError('invalid_token'))
  token!: string;

  @ApiPropertyOptional({
    type: AttributesDto,
    description: 'The clicking device, compared with the stored attributes when `options` require it.',
  })
  @IsOptional()
  @IsObject({ message: 'attributes must be an object with ip_address and user_agent.' })
  @ValidateNested()
  @Type(() => AttributesDto)
  attributes?: AttributesDto;

  @ApiPropertyOptional({ type: AuthenticateOptionsDto })
  @IsOptional()
  @IsObject({ message: 'options must be an object with ip_match_required and user_agent_match_required.' })
  @ValidateNested()
  @Type(() => AuthenticateOptionsDto)
  options?: AuthenticateOptionsDto;

  @ApiPropertyOptional({ description: 'An existing session to extend with this authentication.' })
  @IsOptional()
  @IsString({ message: 'session_token must be a string.' })
  @MaxLength(512, { message: 'session_token must be at most 512 characters.' })
  session_token?: string;

  @ApiPropertyOptional({ description: 'An existing session, as a JWT, to extend with this authentication.' })
  @IsOptional()
  @IsString({ message: 'session_jwt must be a string.' })
  @MaxLength(8192, { message: 'session_jwt must be at most 8192 characters.' })
  session_jwt?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Create a session lasting this many minutes (5 to 527040). Without it, no session is created.',
    minimum: MIN_SESSION_DURATION_MINUTES,
    maximum: MAX_SESSION_DURATION_MINUTES,
    example: 60,
  })
  @IsOptional()
  @IsInt(stytchError('invalid_session_duration_minutes'))
  @Min(MIN_SESSION_DURATION_MINUTES, stytchError('invalid_session_duration_minutes'))
  @Max(MAX_SESSION_DURATION_MINUTES, stytchError('invalid_session_duration_minutes'))
  session_duration_minutes?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Custom claims for the session; applied only when a session is created or extended.',
    example: { plan: 'pro' },
  })
  @IsOptional()
  @IsObject({ message: 'session_custom_claims must be a JSON object.' })
  session_custom_claims?: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      'PKCE: the one-time secret whose base64url SHA-256 was sent as `code_challenge` when the link was requested.',
    example: '00000000000000000000000000000000',
    maxLength: 128,
  })
  @IsOptional()
  @IsString(stytchError('invalid_pkce_code_verifier'))
  @IsNotEmpty(stytchError('invalid_pkce_code_verifier'))
  @MaxLength(128, stytchError('invalid_pkce_code_verifier', 'code_verifier must be at most 128 characters.'))
  code_verifier?: string;

  @ApiPropertyOptional({
    description:
      'The telemetry_id from `GetTelemetryID()` (docs/device-fingerprinting.md). Looked up before the token is ' +
      'consumed: unknown or expired is 404 `telemetry_id_not_found`; with `fraud.requireAllowVerdict` it is ' +
      'required and its verdict must be ALLOW; with `options.device_match_required` its visitor fingerprint must ' +
      "be the one of the device that confirmed the link's redirect page.",
  })
  @IsOptional()
  @IsString({ message: 'telemetry_id must be a string.' })
  @MaxLength(256, { message: 'telemetry_id must be at most 256 characters.' })
  telemetry_id?: string;
}
