import { PickType } from '@nestjs/swagger';
import type { AttributesDto } from '../../device/attributes.dto.js';
import type { EmailLocale } from '../../options/magic-links.options.js';
import { CreateUserDto } from '../../users/dto/create-user.dto.js';
import {
  AttributesField,
  EmailField,
  ExpirationField,
  LocaleField,
  MagicLinkUrlField,
  TemplateIdField,
} from './email-fields.js';

/** `POST /v1/magic_links/email/invite`: the new pending user's `name` and metadata are validated as `POST /v1/users` does. */
export class InviteEmailDto extends PickType(CreateUserDto, [
  'name',
  'trusted_metadata',
  'untrusted_metadata',
] as const) {
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

  @LocaleField()
  locale?: EmailLocale;
}
