import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import type { AttributesDto } from '../../device/attributes.dto.js';
import type { EmailLocale } from '../../options/magic-links.options.js';
import {
  AttributesField,
  CodeChallengeField,
  EmailField,
  ExpirationField,
  LocaleField,
  MagicLinkUrlField,
  TemplateIdField,
} from './email-fields.js';

/** `POST /v1/magic_links/email/login_or_create`. */
export class LoginOrCreateEmailDto {
  @EmailField('The email address of the end user.')
  email!: string;

  @MagicLinkUrlField('login')
  login_magic_link_url?: string;

  @MagicLinkUrlField('signup')
  signup_magic_link_url?: string;

  @ExpirationField('login', 60, '1 hour')
  login_expiration_minutes?: number;

  @ExpirationField('signup', 10080, '1 week')
  signup_expiration_minutes?: number;

  @TemplateIdField('login')
  login_template_id?: string;

  @TemplateIdField('signup')
  signup_template_id?: string;

  @AttributesField()
  attributes?: AttributesDto;

  @ApiPropertyOptional({
    description:
      "If true, users will be saved with status pending in Stytch's backend until authenticated. If false, users will be created as active.",
    default: false,
  })
  @IsOptional()
  @IsBoolean({ message: 'create_user_as_pending must be true or false.' })
  create_user_as_pending?: boolean;

  @CodeChallengeField()
  code_challenge?: string;

  @LocaleField()
  locale?: EmailLocale;
}
