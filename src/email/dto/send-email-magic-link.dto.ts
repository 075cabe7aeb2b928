import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { AttributesDto } from '../../device/attributes.dto.js';
import { stytchError } from '../../http/stytch-validation.js';
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

/** `POST /v1/magic_links/email/send`: every field of the seed `send-email-magic-link.txt`. */
export class SendEmailMagicLinkDto {
  @EmailField('The email address of the User to send the Magic Link to.')
  email!: string;

  @TemplateIdField('login')
  login_template_id?: string;

  @AttributesField()
  attributes?: AttributesDto;

  @MagicLinkUrlField('login')
  login_magic_link_url?: string;

  @MagicLinkUrlField('signup')
  signup_magic_link_url?: string;

  @ExpirationField('login', 60, '1 hour')
  login_expiration_minutes?: number;

  @ExpirationField('signup', 10080, '1 week')
  signup_expiration_minutes?: number;

  @CodeChallengeField()
  code_challenge?: string;

  @ApiPropertyOptional({
    description:
      'The unique ID of a specific User. You may use an external_id here if one is set for the user. The email is ' +
      'added to this user, unverified until a magic link sent to it is authenticated.',
    example: 'user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6',
  })
  @IsOptional()
  @IsString(stytchError('invalid_user_id'))
  @MaxLength(128, stytchError('invalid_user_id'))
  user_id?: string;

  @ApiPropertyOptional({
    description: 'The session_token of the user to associate the email with.',
    example: 'mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q',
  })
  @IsOptional()
  @IsString({ message: 'session_token must be a string.' })
  @MaxLength(512, { message: 'session_token must be at most 512 characters.' })
  session_token?: string;

  @ApiPropertyOptional({ description: 'The session_jwt of the user to associate the email with.' })
  @IsOptional()
  @IsString({ message: 'session_jwt must be a string.' })
  @MaxLength(8192, { message: 'session_jwt must be at most 8192 characters.' })
  session_jwt?: string;

  @LocaleField()
  locale?: EmailLocale;

  @TemplateIdField('signup')
  signup_template_id?: string;
}
