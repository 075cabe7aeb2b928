import { PickType } from '@nestjs/swagger';
import { LoginOrCreateEmailDto } from '../../email/dto/login-or-create-email.dto.js';

/**
 * The body of the SDK's `magicLinks.email.loginOrCreate` and `.send`: the backend's fields a browser may choose.
 * The device attributes are the request's own, never the body's; `captcha_token` and `dfp_telemetry_id`, which
 * the SDK sends when a project turns those on, are ignored as unknown fields.
 */
export class SdkSendEmailDto extends PickType(LoginOrCreateEmailDto, [
  'email',
  'login_magic_link_url',
  'signup_magic_link_url',
  'login_expiration_minutes',
  'signup_expiration_minutes',
  'login_template_id',
  'signup_template_id',
  'code_challenge',
  'locale',
] as const) {}
