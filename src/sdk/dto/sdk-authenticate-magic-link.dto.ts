import { PickType } from '@nestjs/swagger';
import { AuthenticateMagicLinkDto } from '../../magic-links/dto/authenticate-magic-link.dto.js';

/**
 * The body of the SDK's `magicLinks.authenticate(token, { session_duration_minutes })`, with the PKCE verifier the
 * SDK kept in the browser that asked for the link. The session to extend is the one in the Authorization header.
 */
export class SdkAuthenticateMagicLinkDto extends PickType(AuthenticateMagicLinkDto, [
  'token',
  'session_duration_minutes',
  'code_verifier',
] as const) {}
