import { ApiProperty } from '@nestjs/swagger';
import { StytchResponseDto } from '../../http/stytch-response.dto.js';

/** The seed's `api_magic_v1_email_SendResponse`; invite answers the same fields. */
export class SendEmailMagicLinkResponse extends StytchResponseDto {
  @ApiProperty({
    description: 'The unique ID of the affected User.',
    example: 'user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6',
  })
  user_id!: string;

  @ApiProperty({
    description: 'The unique ID of a specific email address.',
    example: 'email-test-81bf03a8-86e1-4d95-bd44-bb3495224953',
  })
  email_id!: string;
}

export class InviteEmailResponse extends SendEmailMagicLinkResponse {}

export class LoginOrCreateEmailResponse extends SendEmailMagicLinkResponse {
  @ApiProperty({
    description: 'In `login_or_create` endpoints, this field indicates whether or not a User was just created.',
    example: true,
  })
  user_created!: boolean;
}

export class RevokeInviteEmailResponse extends StytchResponseDto {}
