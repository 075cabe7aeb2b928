import { EmailField } from './email-fields.js';

/** `POST /v1/magic_links/email/revoke_invite`. */
export class RevokeInviteEmailDto {
  @EmailField('The email of the user.')
  email!: string;
}
