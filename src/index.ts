// The public API of nestjs-magic-links. The gateway (src/gateway/) is not part of it.
export { MagicLinksModule } from './magic-links.module.js';
export { InjectMagicLinksOptions, MAGIC_LINKS_OPTIONS } from './options/inject-magic-links-options.decorator.js';
export {
  type MagicLinksOptionsFactory,
  type MagicLinksModuleAsyncOptions,
  type MagicLinksModuleExtras,
  type MagicLinksModuleForRootOptions,
} from './magic-links.module-definition.js';
export {
  MagicLinksOptionsError,
  resolveMagicLinksOptions,
  EMAIL_LOCALES,
  type EmailLocale,
  type EmailRetryPolicy,
  type EmailTemplate,
  type MagicLinkEventLimits,
  type MagicLinksEmailOptions,
  type MagicLinksMetricsOptions,
  type MagicLinksRetentionOptions,
  type MagicLinksSdkOptions,
  type MagicLinksFraudOptions,
  type ResolvedFraudOptions,
  type ResolvedEmailOptions,
  type MagicLinksEnvironment,
  type MagicLinksModuleOptions,
  type RateLimit,
  type RedirectMode,
  type RedirectUrlType,
  type ResolvedMagicLinkEventLimits,
  type ResolvedMagicLinksOptions,
  type ResolvedMetricsOptions,
  type ResolvedRetentionOptions,
  type ResolvedSdkOptions,
  type SuppliedSigningKey,
} from './options/magic-links.options.js';
export { MAGIC_LINKS_ENTITIES } from './magic-links.entities.js';
export { MAGIC_LINKS_MIGRATIONS } from './migrations/index.js';
export { TransactionsService } from './database/transactions.service.js';
export { User, type UserName, type UserStatus } from './users/user.entity.js';
export { UserEmail } from './users/user-email.entity.js';
export { MagicLink, type MagicLinkType } from './magic-links/magic-link.entity.js';
export { UsersService } from './users/users.service.js';
export { UserEmailsService } from './user-emails/user-emails.service.js';
export { UsersSearchService, type UsersPage } from './users/users-search.service.js';
export { SearchUsersDto, SearchUsersQueryDto } from './users/dto/search-users.dto.js';
export * from './users/dto/search-users.response.js';
export { MagicLinksService } from './magic-links/magic-links.service.js';
export { Session, type AuthenticationFactor } from './sessions/session.entity.js';
export { SessionSigningKey } from './sessions/session-signing-key.entity.js';
export {
  SessionsService,
  type IssuedSession,
  type SessionCredentials,
  type SessionRequest,
} from './sessions/sessions.service.js';
export { SessionKeysService, type PublishedJwk } from './sessions/session-keys.service.js';
export { SESSION_CLAIM } from './sessions/session-jwt.service.js';
export { AuthenticateSessionDto } from './sessions/dto/authenticate-session.dto.js';
export { RevokeSessionDto } from './sessions/dto/revoke-session.dto.js';
export { GetSessionsDto } from './sessions/dto/get-sessions.dto.js';
export * from './sessions/dto/session.response.js';
export { CreateUserDto } from './users/dto/create-user.dto.js';
export { UsersNameDto } from './users/dto/users-name.dto.js';
export { UpdateUserDto } from './users/dto/update-user.dto.js';
export { ExchangePrimaryFactorDto } from './users/dto/exchange-primary-factor.dto.js';
export * from './users/dto/user.response.js';
export { CreateMagicLinkDto } from './magic-links/dto/create-magic-link.dto.js';
export { AuthenticateMagicLinkDto, AuthenticateOptionsDto } from './magic-links/dto/authenticate-magic-link.dto.js';
export * from './magic-links/dto/magic-link.response.js';
export { AttributesDto } from './device/attributes.dto.js';
export { DeviceAttributes, deviceAttributesOf, type ClientHints } from './device/device-attributes.decorator.js';
export { MagicLinkEvent, type MagicLinkEventType } from './redirect/magic-link-event.entity.js';
export { MagicLinkEventsService } from './redirect/magic-link-events.service.js';
export { UsedRedirectNonce } from './redirect/used-redirect-nonce.entity.js';
export { RetentionService, type RetentionReport } from './retention/retention.service.js';
export type { BotSignal } from './redirect/bot-signals.js';
export { ListMagicLinkEventsDto } from './redirect/dto/list-magic-link-events.dto.js';
export * from './redirect/dto/magic-link-event.response.js';
export { MAGIC_LINKS_API_TAGS } from './http/api-tags.js';
export { StytchErrorDto, StytchResponseDto } from './http/stytch-response.dto.js';
export { StytchException } from './http/stytch.exception.js';
export { STYTCH_ERRORS, type StytchErrorType } from './http/stytch-errors.js';
export { StytchExceptionFilter } from './http/stytch-exception.filter.js';
export { StytchThrottlerGuard } from './rate-limits/stytch-throttler.guard.js';
export { MemoryThrottlerStorage } from './rate-limits/memory-throttler.storage.js';
export { RedisThrottlerStorage, type RedisEvalClient } from './rate-limits/redis-throttler.storage.js';
export { BrowserFacing, isBrowserFacing } from './rate-limits/browser-facing.decorator.js';
export { outsideProjectBudget } from './rate-limits/project-budget.js';
export { ProjectCredentials } from './http/project-credentials.js';
export { EmailDelivery, type EmailDeliveryStatus, type EmailKind } from './email/email-delivery.entity.js';
export { EmailDeliveryAttempt, type EmailDeliveryAttemptOutcome } from './email/email-delivery-attempt.entity.js';
export { DeliveryAdminService } from './delivery-admin/delivery-admin.service.js';
export * from './delivery-admin/dto/email-delivery.response.js';
export { ListEmailDeliveriesDto } from './delivery-admin/dto/list-email-deliveries.dto.js';
export { EmailMagicLinksService, type SentMagicLink } from './email/email-magic-links.service.js';
export { EmailDeliverySweeper } from './email/email-delivery.sweeper.js';
export { EmailQueue } from './email/email-queue.js';
export { emailedMagicLinkUrl } from './email/magic-link-url.js';
export { emailThrottlers, EmailRateLimited, type EmailRateLimits } from './email/email-rate-limits.js';
export { SendEmailMagicLinkDto } from './email/dto/send-email-magic-link.dto.js';
export { LoginOrCreateEmailDto } from './email/dto/login-or-create-email.dto.js';
export { InviteEmailDto } from './email/dto/invite-email.dto.js';
export { RevokeInviteEmailDto } from './email/dto/revoke-invite-email.dto.js';
export * from './email/dto/email-magic-link.response.js';
export {
  DeviceFingerprintingService,
  type ExternalMetadata,
  type FingerprintLookup,
} from './fraud/device-fingerprinting.service.js';
export { FraudRulesService } from './fraud/fraud-rules.service.js';
export { VerdictReasonsService, type VerdictReasonAction } from './fraud/verdict-reasons.service.js';
export { DeviceTelemetry } from './fraud/device-telemetry.entity.js';
export { DeviceUser } from './fraud/device-user.entity.js';
export { FraudRule } from './fraud/fraud-rule.entity.js';
export { VerdictReasonOverride } from './fraud/verdict-reason-override.entity.js';
export { RULE_TYPES, type RuleType } from './fraud/fraud-rule-types.js';
export type { Fingerprints } from './fraud/fingerprints.js';
export type { Verdict } from './fraud/verdict.js';
export {
  VERDICT_REASON_DEFAULTS,
  VERDICT_REASONS,
  type VerdictAction,
  type VerdictReason,
} from './fraud/verdict-reasons.js';
export { telemetryScript } from './fraud/telemetry-script.js';
export { FingerprintLookupDto, ExternalMetadataDto } from './fraud/dto/fingerprint-lookup.dto.js';
export { SetRuleDto } from './fraud/dto/set-rule.dto.js';
export { ListRulesDto } from './fraud/dto/list-rules.dto.js';
export { OverrideVerdictReasonDto } from './fraud/dto/override-verdict-reason.dto.js';
export { ListVerdictReasonsDto } from './fraud/dto/list-verdict-reasons.dto.js';
export * from './fraud/dto/fingerprint-lookup.response.js';
export * from './fraud/dto/fraud-rule.response.js';
export * from './fraud/dto/verdict-reason.response.js';
export { MAGIC_LINKS_METRICS_REGISTRY } from './metrics/metrics-registry.js';
export { MagicLinksMetrics, type LinkDelivery } from './metrics/magic-links-metrics.service.js';
export type { MailFailureClass } from './metrics/mail-failure.js';
