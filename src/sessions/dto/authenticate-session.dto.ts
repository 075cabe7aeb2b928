import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmpty, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { stytchError } from '../../http/stytch-validation.js';
import { MAX_SESSION_DURATION_MINUTES, MIN_SESSION_DURATION_MINUTES } from '../session-duration.js';

/** `POST /v1/sessions/authenticate`: exactly one of `session_token` and `session_jwt`. */
export class AuthenticateSessionDto {
  @ApiPropertyOptional({
    description: 'The session token returned when the session started.',
    example: 'mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q',
  })
  @IsOptional()
  @IsString(stytchError('invalid_session_token'))
  @MaxLength(512, stytchError('invalid_session_token'))
  session_token?: string;

  @ApiPropertyOptional({
    description: 'A session JWT. An expired one is accepted while its session lives, and a fresh JWT is returned.',
    example: 'eyJhbGciOiJSUzI1NiIsImtpZCI6Imp3ay10ZXN0LTEyMyIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLXRlc3QtMSJ9.c2ln',
  })
  @IsOptional()
  @IsString(stytchError('unable_to_parse_session_jwt'))
  @MaxLength(8192, stytchError('unable_to_parse_session_jwt'))
  session_jwt?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Extend the session to end this many minutes from now (5 to 527040).',
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
    description:
      'Claims to set on the session (and its JWTs); a null value deletes a key. The registered claims iss, sub, ' +
      'aud, exp, nbf, iat and jti are ignored; the total is at most 4 KB.',
    example: { plan: 'pro' },
  })
  @IsOptional()
  @IsObject({ message: 'session_custom_claims must be a JSON object.' })
  session_custom_claims?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Not supported: this gateway has no RBAC policy. Check roles in your app instead.',
    deprecated: true,
  })
  // Refused rather than dropped: silently skipping an authorization check would let a request through.
  @IsEmpty(
    stytchError(
      'bad_request',
      'authorization_check is not supported: this gateway has no RBAC policy. Omit it and check session.roles.',
    ),
  )
  authorization_check?: unknown;
}
