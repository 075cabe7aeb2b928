import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { StytchResponseDto } from '../../http/stytch-response.dto.js';
import { SessionResponse } from '../../sessions/dto/session.response.js';
import { UserResponse } from '../../users/dto/user.response.js';

/** The seed's `api_magic_v1_CreateResponse`. */
export class CreateMagicLinkResponse extends StytchResponseDto {
  @ApiProperty({
    description: 'The unique ID of the affected User.',
    example: 'user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6',
  })
  user_id!: string;

  @ApiProperty({
    description: "The Magic Link `token` that you'll include in your contact method of choice, e.g. email or SMS.",
    example: 'DOYoip3rvIMMW5lgItikFK-Ak1CfMsgjuiCyI7uuU94=',
  })
  token!: string;
}

export class AuthenticateMagicLinkResponse extends StytchResponseDto {
  @ApiProperty({ example: 'user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6' })
  user_id!: string;

  @ApiProperty({
    description: 'The `email_id` involved in the authentication (for an embeddable link, its id).',
    example: 'email-test-81bf03a8-86e1-4d95-bd44-bb3495224953',
  })
  method_id!: string;

  @ApiProperty({ description: 'The session token; empty when no session was requested.', example: '' })
  session_token!: string;

  @ApiProperty({ description: 'The session JWT; empty when no session was requested.', example: '' })
  session_jwt!: string;

  @ApiProperty({ type: UserResponse, description: 'The user after this authentication took effect.' })
  user!: UserResponse;

  @ApiProperty({ description: "Whether the user's other sessions must be reset.", example: false })
  reset_sessions!: boolean;

  @ApiPropertyOptional({
    type: SessionResponse,
    description: 'The session, when session_duration_minutes started one or a session_token/session_jwt was extended.',
  })
  session?: SessionResponse;
}
