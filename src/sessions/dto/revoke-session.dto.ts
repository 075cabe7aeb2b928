import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { stytchError } from '../../http/stytch-validation.js';

/** `POST /v1/sessions/revoke`: exactly one of `session_id`, `session_token` and `session_jwt`. */
export class RevokeSessionDto {
  @ApiPropertyOptional({ example: 'session-test-fe6c042b-6286-479f-8a4f-b046a6c46509' })
  @IsOptional()
  @IsString(stytchError('invalid_session_id'))
  @MaxLength(128, stytchError('invalid_session_id'))
  session_id?: string;

  @ApiPropertyOptional({ example: 'mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q' })
  @IsOptional()
  @IsString(stytchError('invalid_session_token'))
  @MaxLength(512, stytchError('invalid_session_token'))
  session_token?: string;

  @ApiPropertyOptional({
    description: 'A session JWT; an expired one still identifies its session.',
    example: 'eyJhbGciOiJSUzI1NiIsImtpZCI6Imp3ay10ZXN0LTEyMyIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLXRlc3QtMSJ9.c2ln',
  })
  @IsOptional()
  @IsString(stytchError('unable_to_parse_session_jwt'))
  @MaxLength(8192, stytchError('unable_to_parse_session_jwt'))
  session_jwt?: string;
}
