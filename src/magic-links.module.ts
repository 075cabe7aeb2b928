import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BasicAuthGuard } from './http/basic-auth.guard.js';
import { StytchExceptionFilter } from './http/stytch-exception.filter.js';
import { TransactionsService } from './database/transactions.service.js';
import { TokenService } from './tokens/token.service.js';
import { DeliveryAdminController } from './delivery-admin/delivery-admin.controller.js';
import { DeliveryAdminService } from './delivery-admin/delivery-admin.service.js';
import { DeliveryAdminStore } from './delivery-admin/delivery-admin.store.js';
import { BullEmailQueue, EmailDeliveryProcessor } from './email/bull-email.queue.js';
import { bullQueueModule } from './email/bull-queue.module.js';
import { EmailQueue } from './email/email-queue.js';
import { InProcessEmailQueue } from './email/in-process-email.queue.js';
import { EmailDeliveriesStore } from './email/email-deliveries.store.js';
import { EmailDeliveryService } from './email/email-delivery.service.js';
import { EmailDeliverySweeper } from './email/email-delivery.sweeper.js';
import { EmailMagicLinksController } from './email/email-magic-links.controller.js';
import { EmailMagicLinksService } from './email/email-magic-links.service.js';
import { EmailMagicLinksStore } from './email/email-magic-links.store.js';
import { EmailTemplatesService } from './email/email-templates.service.js';
import { MailTransportService } from './email/mail-transport.service.js';
import { TokenSealer } from './email/token-sealer.js';
import { DeviceConfirmations } from './magic-links/device-confirmations.js';
import { MagicLinksController } from './magic-links/magic-links.controller.js';
import { EmbeddableMagicLinksController } from './magic-links/embeddable-magic-links.controller.js';
import { MagicLinksService } from './magic-links/magic-links.service.js';
import { MagicLinksStore } from './magic-links/magic-links.store.js';
import { MAGIC_LINKS_ENTITIES } from './magic-links.entities.js';
import { MagicLinkEventsController } from './redirect/magic-link-events.controller.js';
import { MagicLinkEventsService } from './redirect/magic-link-events.service.js';
import { RedirectNonceService } from './redirect/redirect-nonce.service.js';
import { RedirectController } from './redirect/redirect.controller.js';
import { RedirectRoutingService } from './redirect/redirect-routing.service.js';
import { UsedRedirectNoncesStore } from './redirect/used-redirect-nonces.store.js';
import { RetentionService } from './retention/retention.service.js';
import { SdkEventsController } from './sdk/sdk-events.controller.js';
import { SdkExceptionFilter } from './sdk/sdk-exception.filter.js';
import { SdkMagicLinksController } from './sdk/sdk-magic-links.controller.js';
import { SdkOriginGuard } from './sdk/sdk-origin.guard.js';
import { SdkOrigins } from './sdk/sdk-origins.js';
import { SdkPreflightController } from './sdk/sdk-preflight.controller.js';
import { SdkProjectsController } from './sdk/sdk-projects.controller.js';
import { SdkPublicTokenGuard } from './sdk/sdk-public-token.guard.js';
import { SdkSessionsController } from './sdk/sdk-sessions.controller.js';
import { SdkUsersController } from './sdk/sdk-users.controller.js';
import { SdkService } from './sdk/sdk.service.js';
import { DeviceFingerprintingService } from './fraud/device-fingerprinting.service.js';
import { FingerprintLookupController } from './fraud/fingerprint-lookup.controller.js';
import { FraudRulesController } from './fraud/fraud-rules.controller.js';
import { FraudPolicyCache } from './fraud/fraud-policy.cache.js';
import { FraudRulesService } from './fraud/fraud-rules.service.js';
import { TelemetryController } from './fraud/telemetry.controller.js';
import { VerdictReasonsController } from './fraud/verdict-reasons.controller.js';
import { VerdictReasonsService } from './fraud/verdict-reasons.service.js';
import { EmailBacklogMetrics } from './email/email-backlog.metrics.js';
import { MagicLinksMetrics } from './metrics/magic-links-metrics.service.js';
import { MAGIC_LINKS_METRICS_REGISTRY } from './metrics/metrics-registry.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { MetricsTokenGuard } from './metrics/metrics-token.guard.js';
import { Registry } from 'prom-client';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  MAGIC_LINKS_MODULE_OPTIONS,
  OPTIONS_TYPE,
  type MagicLinksModuleExtras,
} from './magic-links.module-definition.js';
import { PendingMigrationsCheck } from './migrations/pending-migrations.check.js';
import { MAGIC_LINKS_OPTIONS } from './options/inject-magic-links-options.decorator.js';
import {
  MagicLinksModuleOptions,
  resolveMagicLinksOptions,
  type ResolvedMagicLinksOptions,
} from './options/magic-links.options.js';
import { SessionJwtService } from './sessions/session-jwt.service.js';
import { SessionKeysService } from './sessions/session-keys.service.js';
import { SessionsJwksController } from './sessions/sessions-jwks.controller.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { SessionsService } from './sessions/sessions.service.js';
import { SessionsStore } from './sessions/sessions.store.js';
import { UserEmailsController } from './user-emails/user-emails.controller.js';
import { UserEmailsService } from './user-emails/user-emails.service.js';
import { UsersController } from './users/users.controller.js';
import { UsersSearchController } from './users/users-search.controller.js';
import { UsersSearchService } from './users/users-search.service.js';
import { UsersSearchStore } from './users/users-search.store.js';
import { UsersService } from './users/users.service.js';
import { UsersStore } from './users/users.store.js';

/**
 * Stytch's Consumer magic-link API as a NestJS module. It configures only its own slice (entities, controllers,
 * guards, its email queue); the host owns `TypeOrmModule.forRoot`, `BullModule.forRoot` when it passes
 * `emailQueue: 'bull'`, and, if it wants rate limits, `ThrottlerModule.forRoot` (with `emailThrottlers()`).
 */
@Module({
  imports: [TypeOrmModule.forFeature(MAGIC_LINKS_ENTITIES)],
  controllers: [
    UsersController,
    UsersSearchController,
    UserEmailsController,
    EmbeddableMagicLinksController,
    MagicLinksController,
    EmailMagicLinksController,
    SessionsController,
    SessionsJwksController,
    RedirectController,
    MagicLinkEventsController,
    SdkPreflightController,
    SdkProjectsController,
    SdkMagicLinksController,
    SdkSessionsController,
    SdkUsersController,
    SdkEventsController,
    TelemetryController,
    FingerprintLookupController,
    FraudRulesController,
    VerdictReasonsController,
    DeliveryAdminController,
  ],
  providers: [
    {
      provide: MAGIC_LINKS_OPTIONS,
      useFactory: (options: MagicLinksModuleOptions) => resolveMagicLinksOptions(options),
      inject: [MAGIC_LINKS_MODULE_OPTIONS],
    },
    PendingMigrationsCheck,
    BasicAuthGuard,
    StytchExceptionFilter,
    TransactionsService,
    TokenService,
    UsersStore,
    UsersService,
    UserEmailsService,
    UsersSearchStore,
    UsersSearchService,
    MagicLinksStore,
    MagicLinksService,
    SessionKeysService,
    SessionJwtService,
    SessionsStore,
    SessionsService,
    TokenSealer,
    EmailTemplatesService,
    MailTransportService,
    EmailDeliveriesStore,
    EmailDeliveryService,
    EmailDeliverySweeper,
    EmailMagicLinksStore,
    EmailMagicLinksService,
    UsedRedirectNoncesStore,
    RedirectNonceService,
    MagicLinkEventsService,
    { provide: DeviceConfirmations, useExisting: MagicLinkEventsService },
    RedirectRoutingService,
    RetentionService,
    SdkOrigins,
    SdkOriginGuard,
    SdkPublicTokenGuard,
    SdkExceptionFilter,
    SdkService,
    FraudPolicyCache,
    FraudRulesService,
    VerdictReasonsService,
    DeviceFingerprintingService,
    {
      provide: MAGIC_LINKS_METRICS_REGISTRY,
      useFactory: (options: ResolvedMagicLinksOptions) => options.metrics.registry ?? new Registry(),
      inject: [MAGIC_LINKS_OPTIONS],
    },
    MagicLinksMetrics,
    EmailBacklogMetrics,
    DeliveryAdminStore,
    DeliveryAdminService,
  ],
  exports: [
    MAGIC_LINKS_OPTIONS,
    TransactionsService,
    StytchExceptionFilter,
    UsersService,
    UserEmailsService,
    MagicLinksService,
    SessionsService,
    SessionKeysService,
    EmailMagicLinksService,
    EmailDeliverySweeper,
    MagicLinkEventsService,
    RetentionService,
    DeviceFingerprintingService,
    MAGIC_LINKS_METRICS_REGISTRY,
    MagicLinksMetrics,
    DeliveryAdminService,
  ],
})
export class MagicLinksModule extends ConfigurableModuleClass {
  static override forRoot(options: typeof OPTIONS_TYPE): DynamicModule {
    return withMetricsEndpoint(withEmailQueue(super.forRoot(options), options.emailQueue), options.metricsEndpoint);
  }

  static override forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return withMetricsEndpoint(
      withEmailQueue(super.forRootAsync(options), options.emailQueue),
      options.metricsEndpoint,
    );
  }
}

/** The email queue: Bull on the host's Redis connection, or timers in this process. */
function withEmailQueue(module: DynamicModule, queue: MagicLinksModuleExtras['emailQueue'] = 'in-process') {
  if (queue === 'bull') {
    return {
      ...module,
      imports: [...(module.imports ?? []), bullQueueModule()],
      providers: [
        ...(module.providers ?? []),
        { provide: EmailQueue, useClass: BullEmailQueue },
        EmailDeliveryProcessor,
      ],
    };
  }
  return {
    ...module,
    providers: [...(module.providers ?? []), { provide: EmailQueue, useClass: InProcessEmailQueue }],
  };
}

/** `GET /metrics` for a bearer token, only when the host asks for it (it may serve its own /metrics). */
function withMetricsEndpoint(module: DynamicModule, endpoint: boolean | undefined) {
  if (!endpoint) return module;
  return {
    ...module,
    controllers: [...(module.controllers ?? []), MetricsController],
    providers: [...(module.providers ?? []), MetricsTokenGuard],
  };
}
