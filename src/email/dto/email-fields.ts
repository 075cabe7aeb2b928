import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { AttributesDto } from '../../device/attributes.dto.js';
import { IsEmailAddress } from '../../users/email-address.js';
import { stytchError } from '../../http/stytch-validation.js';
import { CODE_CHALLENGE_PATTERN } from '../../magic-links/pkce.js';
import { MAX_EXPIRATION_MINUTES, MIN_EXPIRATION_MINUTES } from '../../magic-links/dto/create-magic-link.dto.js';
import { EMAIL_LOCALES, type RedirectUrlType } from '../../options/magic-links.options.js';

/** The field decorators the four email endpoints share, so each rule and its error is written once. */

export const EmailField = (description: string) =>
  applyDecorators(
    ApiProperty({ description, example: 'sandbox@stytch.com', maxLength: 254 }),
    IsEmailAddress(stytchError('invalid_email', 'email is invalid: pass one bare address such as ada@example.com.')),
  );

const TYPE_NAMES: Record<RedirectUrlType, string> = { login: 'login', signup: 'sign-up', invite: 'invite' };

export const MagicLinkUrlField = (type: RedirectUrlType) =>
  applyDecorators(
    ApiPropertyOptional({
      description:
        `The URL the end user reaches from the ${TYPE_NAMES[type]} Email Magic Link, with \`?stytch_token_type=magic_links&token=…\` added; ` +
        `your app reads the token and calls authenticate. It must be registered for ${TYPE_NAMES[type]} links ` +
        `(exact match). If this value is not passed, the default ${TYPE_NAMES[type]} redirect URL is used; if there is none, an error is returned.`,
      example: 'https://example.com/authenticate',
      maxLength: 2048,
    }),
    IsOptional(),
    IsString(stytchError(`invalid_${type}_magic_link_url`)),
    MaxLength(2048, stytchError(`invalid_${type}_magic_link_url`)),
  );

export const ExpirationField = (type: RedirectUrlType, defaultMinutes: number, inWords: string) =>
  applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      format: 'int32',
      description:
        `Set the expiration for the ${TYPE_NAMES[type]} email magic link, in minutes. By default, it expires in ${inWords}. ` +
        'The minimum expiration is 5 minutes and the maximum is 7 days (10080 mins).',
      minimum: MIN_EXPIRATION_MINUTES,
      maximum: MAX_EXPIRATION_MINUTES,
      default: defaultMinutes,
      example: defaultMinutes,
    }),
    IsOptional(),
    IsInt(stytchError('invalid_expiration')),
    Min(MIN_EXPIRATION_MINUTES, stytchError('invalid_expiration')),
    Max(MAX_EXPIRATION_MINUTES, stytchError('invalid_expiration')),
  );

export const TemplateIdField = (type: RedirectUrlType) =>
  applyDecorators(
    ApiPropertyOptional({
      description:
        `Use a custom template for ${TYPE_NAMES[type]} emails: the id of a template registered in the email.templates ` +
        'option. By default, the built-in template is used.',
      example: `my-${type}-template`,
      maxLength: 128,
    }),
    IsOptional(),
    IsString(stytchError('email_template_not_found')),
    MaxLength(128, stytchError('email_template_not_found')),
  );

export const AttributesField = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: AttributesDto,
      description:
        'Provided attributes to help with fraud detection. These values are pulled and passed into Stytch endpoints by your application.',
    }),
    IsOptional(),
    IsObject({ message: 'attributes must be an object with ip_address and user_agent.' }),
    ValidateNested(),
    Type(() => AttributesDto),
  );

export const LocaleField = () =>
  applyDecorators(
    ApiPropertyOptional({
      enum: EMAIL_LOCALES,
      description:
        'Used to determine which language to use when sending the user this delivery method. Currently supported ' +
        'languages are English ("en"), Spanish ("es"), French ("fr") and Brazilian Portuguese ("pt-br"); if no value ' +
        'is provided, the copy defaults to English.',
      example: 'en',
    }),
    IsOptional(),
    IsIn(EMAIL_LOCALES, stytchError('invalid_locale')),
  );

export const CodeChallengeField = () =>
  applyDecorators(
    ApiPropertyOptional({
      description:
        'A base64url encoded SHA256 hash of a one time secret used to validate that the request starts and ends on the same device.',
      example: 'hODA6vqpWjTCk_J4rFLkXOU3urXnUqAOaVmhOuEDtlo',
    }),
    IsOptional(),
    IsString(stytchError('invalid_pkce_code_challenge')),
    Matches(CODE_CHALLENGE_PATTERN, stytchError('invalid_pkce_code_challenge')),
  );
