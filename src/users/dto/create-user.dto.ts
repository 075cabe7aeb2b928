import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { AttributesDto } from '../../device/attributes.dto.js';
import { IsEmailAddress } from '../email-address.js';
import { IsMetadata } from '../user-metadata.js';
import { stytchError } from '../../http/stytch-validation.js';
import { UsersNameDto } from './users-name.dto.js';

export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9._|-]{1,128}$/;

export class CreateUserDto {
  @ApiProperty({
    description: 'The email address of the end user. Required: this gateway authenticates by email.',
    example: 'sandbox@stytch.com',
    maxLength: 254,
  })
  @IsEmailAddress(stytchError('invalid_email', 'email is invalid: pass one bare address such as ada@example.com.'))
  email!: string;

  @ApiPropertyOptional({ description: 'Not supported by this gateway (SMS is out of scope); must be omitted.' })
  @IsEmpty({ message: 'phone_number is not supported by this gateway: create the user with an email instead.' })
  phone_number?: string;

  @ApiPropertyOptional({ type: UsersNameDto, description: 'The name of the user.' })
  @IsOptional()
  @IsObject({ message: 'name must be an object with first_name, middle_name and last_name.' })
  @ValidateNested()
  @Type(() => UsersNameDto)
  name?: UsersNameDto;

  @ApiPropertyOptional({ type: AttributesDto })
  @IsOptional()
  @IsObject({ message: 'attributes must be an object with ip_address and user_agent.' })
  @ValidateNested()
  @Type(() => AttributesDto)
  attributes?: AttributesDto;

  @ApiPropertyOptional({
    description:
      'If true, the user is saved with status pending until a magic link is authenticated; otherwise active.',
    default: false,
  })
  @IsOptional()
  @IsBoolean({ message: 'create_user_as_pending must be true or false.' })
  create_user_as_pending?: boolean;

  @ApiPropertyOptional({
    description: 'Arbitrary JSON set by your backend only: at most 20 top-level keys and 4 KB as JSON.',
    example: { plan: 'pro' },
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsMetadata()
  trusted_metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Arbitrary JSON the end user may also set: at most 20 top-level keys and 4 KB as JSON.',
    example: { theme: 'dark' },
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsMetadata()
  untrusted_metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      'An identifier usable wherever a user_id is expected: letters, digits, ".", "_", "-" or "|", at most 128 characters, unique in the project.',
    example: 'crm-4711',
    maxLength: 128,
  })
  @IsOptional()
  @Matches(EXTERNAL_ID_PATTERN, {
    message: 'external_id is invalid: use 1 to 128 letters, digits, ".", "_", "-" or "|".',
  })
  external_id?: string;

  @ApiPropertyOptional({ description: 'RBAC roles of the user.', example: ['admin'], type: [String] })
  @IsOptional()
  @IsArray({ message: 'roles must be an array of strings.' })
  @ArrayMaxSize(50, { message: 'roles may hold at most 50 roles.' })
  @IsString({ each: true, message: 'roles must be an array of strings.' })
  @MaxLength(128, { each: true, message: 'each role must be at most 128 characters.' })
  roles?: string[];
}
