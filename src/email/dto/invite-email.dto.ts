import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, ValidateNested } from 'class-validator';
import type { AttributesDto } from '../../common/attributes.dto.js';
import type { EmailLocale } from '../../magic-links.options.js';
import { UsersNameDto } from '../../users/dto/users-name.dto.js';
import {
  AttributesField,
  EmailField,
  ExpirationField,
  LocaleField,
  MagicLinkUrlField,
  TemplateIdField,
} from './email-fields.js';

/** `POST /v1/magic_links/email/invite`. */
export class InviteEmailDto {
  @EmailField('The email address of the User to invite.')
  email!: string;

  @MagicLinkUrlField('invite')
  invite_magic_link_url?: string;

  @ExpirationField('invite', 60, '1 hour')
  invite_expiration_minutes?: number;

  @TemplateIdField('invite')
  invite_template_id?: string;

  @AttributesField()
  attributes?: AttributesDto;

  @ApiPropertyOptional({ type: UsersNameDto, description: 'The name of the user, shown in the invite.' })
  @IsOptional()
  @IsObject({ message: 'name must be an object with first_name, middle_name and last_name.' })
  @ValidateNested()
  @Type(() => UsersNameDto)
  name?: UsersNameDto;

  @LocaleField()
  locale?: EmailLocale;

  @ApiPropertyOptional({
    description: 'Arbitrary JSON set by your backend only.',
    example: { plan: 'pro' },
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject({ message: 'trusted_metadata must be a JSON object.' })
  trusted_metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Arbitrary JSON the end user may also set.',
    example: { theme: 'dark' },
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject({ message: 'untrusted_metadata must be a JSON object.' })
  untrusted_metadata?: Record<string, unknown>;
}
