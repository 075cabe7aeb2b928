import { EmailDeliveryAttempt } from './email/email-delivery-attempt.entity.js';
import { EmailDelivery } from './email/email-delivery.entity.js';
import { DeviceTelemetry } from './fraud/device-telemetry.entity.js';
import { DeviceUser } from './fraud/device-user.entity.js';
import { FraudRule } from './fraud/fraud-rule.entity.js';
import { VerdictReasonOverride } from './fraud/verdict-reason-override.entity.js';
import { MagicLink } from './magic-links/magic-link.entity.js';
import { MagicLinkEvent } from './redirect/magic-link-event.entity.js';
import { UsedRedirectNonce } from './redirect/used-redirect-nonce.entity.js';
import { SessionSigningKey } from './sessions/session-signing-key.entity.js';
import { Session } from './sessions/session.entity.js';
import { UserEmail } from './users/user-email.entity.js';
import { User } from './users/user.entity.js';

/** Every entity of the module: add them to the host's TypeORM `entities`. */
export const MAGIC_LINKS_ENTITIES = [
  User,
  UserEmail,
  MagicLink,
  Session,
  SessionSigningKey,
  EmailDelivery,
  MagicLinkEvent,
  UsedRedirectNonce,
  DeviceTelemetry,
  FraudRule,
  VerdictReasonOverride,
  DeviceUser,
  EmailDeliveryAttempt,
];
