import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { stytchError } from '../../http/stytch-validation.js';

/** `GET /v1/sessions?user_id=…`. */
export class GetSessionsDto {
  @ApiProperty({
    description: 'The user_id, or the external_id the user was created with.',
    example: 'user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6',
  })
  @IsString(stytchError('invalid_user_id', 'user_id is required: pass ?user_id= with the user_id or external_id.'))
  @IsNotEmpty(stytchError('invalid_user_id', 'user_id is required: pass ?user_id= with the user_id or external_id.'))
  @MaxLength(128, stytchError('invalid_user_id'))
  user_id!: string;
}
