import { PickType } from '@nestjs/swagger';
import { AuthenticateSessionDto } from '../../sessions/dto/authenticate-session.dto.js';

/** The body of the SDK's `session.authenticate()`; the session is the one in the Authorization header. */
export class SdkAuthenticateSessionDto extends PickType(AuthenticateSessionDto, [
  'session_duration_minutes',
] as const) {}
