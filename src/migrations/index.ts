import { InitialSchema1763800000000 } from './1763800000000-initial-schema.js';
import { Sessions1764300000000 } from './1764300000000-sessions.js';
import { EmailDeliveries1764400000000 } from './1764400000000-email-deliveries.js';
import { MagicLinkEvents1764600000000 } from './1764600000000-magic-link-events.js';
import { RedirectLimitsAndRetention1764800000000 } from './1764800000000-redirect-limits-and-retention.js';
import { DeviceFingerprinting1765100000000 } from './1765100000000-device-fingerprinting.js';
import { UsersSearch1765200000000 } from './1765200000000-users-search.js';
import { StytchImports1765210000000 } from './1765210000000-stytch-imports.js';
import { EmailDeliveryAttempts1765300000000 } from './1765300000000-email-delivery-attempts.js';
import { FraudPolicyGeneration1765400000000 } from './1765400000000-fraud-policy-generation.js';

/** Every schema migration of the module, oldest first: pass them to the host's DataSource `migrations`. */
export const MAGIC_LINKS_MIGRATIONS = [
  InitialSchema1763800000000,
  Sessions1764300000000,
  EmailDeliveries1764400000000,
  MagicLinkEvents1764600000000,
  RedirectLimitsAndRetention1764800000000,
  DeviceFingerprinting1765100000000,
  UsersSearch1765200000000,
  StytchImports1765210000000,
  EmailDeliveryAttempts1765300000000,
  FraudPolicyGeneration1765400000000,
];
