import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { StytchResponseDto } from '../../http/stytch-response.dto.js';
import { UsersNameDto } from './users-name.dto.js';

export class UserEmailResponse {
  @ApiProperty({ example: 'email-test-81bf03a8-86e1-4d95-bd44-bb3495224953' })
  email_id!: string;

  @ApiProperty({ example: 'sandbox@stytch.com' })
  email!: string;

  @ApiProperty({ description: 'True once a magic link sent to this address was authenticated.', example: true })
  verified!: boolean;
}

/** Stytch's User object (the factors this gateway does not offer are always empty lists). */
export class UserResponse {
  @ApiProperty({ example: 'user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6' })
  user_id!: string;

  @ApiProperty({ type: [UserEmailResponse] })
  emails!: UserEmailResponse[];

  @ApiProperty({ enum: ['active', 'pending'], example: 'active' })
  status!: 'active' | 'pending';

  @ApiProperty({ type: [Object], example: [] })
  phone_numbers!: unknown[];

  @ApiProperty({ type: [Object], example: [] })
  webauthn_registrations!: unknown[];

  @ApiProperty({ type: [Object], example: [] })
  providers!: unknown[];

  @ApiProperty({ type: [Object], example: [] })
  totps!: unknown[];

  @ApiProperty({ type: [Object], example: [] })
  crypto_wallets!: unknown[];

  @ApiProperty({ type: [Object], example: [] })
  biometric_registrations!: unknown[];

  @ApiProperty({ example: false })
  is_locked!: boolean;

  @ApiProperty({ type: [String], example: [] })
  roles!: string[];

  @ApiPropertyOptional({ type: UsersNameDto })
  name?: UsersNameDto;

  @ApiProperty({ description: 'RFC 3339, UTC.', example: '2026-11-22T09:15:00Z' })
  created_at!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: {} })
  trusted_metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: {} })
  untrusted_metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'crm-4711' })
  external_id?: string;
}

export class CreateUserResponse extends StytchResponseDto {
  @ApiProperty({ example: 'user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6' })
  user_id!: string;

  @ApiProperty({ example: 'email-test-81bf03a8-86e1-4d95-bd44-bb3495224953' })
  email_id!: string;

  @ApiProperty({ enum: ['active', 'pending'], example: 'active' })
  status!: 'active' | 'pending';

  @ApiProperty({ description: 'Always empty: this gateway has no phone numbers.', example: '' })
  phone_id!: string;

  @ApiProperty({ type: UserResponse })
  user!: UserResponse;
}

/** `GET /v1/users/{user_id}` is flat: the User's fields beside `request_id` and `status_code`. */
export class GetUserResponse extends UserResponse {
  @ApiProperty({ example: 'request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141' })
  request_id!: string;

  @ApiProperty({ type: 'integer', format: 'int32', example: 200 })
  status_code!: number;
}

export class DeleteUserResponse extends StytchResponseDto {
  @ApiProperty({ example: 'user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6' })
  user_id!: string;
}

/** What the user-changing calls answer with: the user's id and the User object after the change. */
export class UserChangedResponse extends StytchResponseDto {
  @ApiProperty({ example: 'user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6' })
  user_id!: string;

  @ApiProperty({ type: UserResponse, description: 'The user after the change.' })
  user!: UserResponse;
}

/** `PUT /v1/users/{user_id}` also repeats the user's factors beside the User object, as Stytch's does. */
export class UpdateUserResponse extends UserChangedResponse {
  @ApiProperty({ type: [UserEmailResponse] })
  emails!: UserEmailResponse[];

  @ApiProperty({ type: [Object], example: [], description: 'Always empty: this gateway has no phone numbers.' })
  phone_numbers!: unknown[];

  @ApiProperty({ type: [Object], example: [], description: 'Always empty: this gateway has no crypto wallets.' })
  crypto_wallets!: unknown[];
}
