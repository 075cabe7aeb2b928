import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BasicAuthGuard } from './common/basic-auth.guard.js';
import { StytchExceptionFilter } from './common/stytch-exception.filter.js';
import { StytchResponseInterceptor } from './common/stytch-response.interceptor.js';
import { TokenService } from './common/token.service.js';
import { MagicLinksController } from './magic-links/magic-links.controller.js';
import { MagicLinksService } from './magic-links/magic-links.service.js';
import { MAGIC_LINKS_ENTITIES } from './magic-links.entities.js';
import { MagicLinkEventsController } from './redirect/magic-link-events.controller.js';
import { MagicLinkEventsService } from './redirect/magic-link-events.service.js';
import { RedirectNonceService } from './redirect/redirect-nonce.service.js';
import { RedirectController } from './redirect/redirect.controller.js';
import { RedirectRoutingService } from './redirect/redirect-routing.service.js';
import {
  ConfigurableModuleClass,
  MAGIC_LINKS_MODULE_OPTIONS,
  MAGIC_LINKS_OPTIONS,
} from './magic-links.module-definition.js';
import { MagicLinksModuleOptions, resolveMagicLinksOptions } from './magic-links.options.js';
import { SessionJwtService } from './sessions/session-jwt.service.js';
import { SessionKeysService } from './sessions/session-keys.service.js';
import { SessionsJwksController } from './sessions/sessions-jwks.controller.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { SessionsService } from './sessions/sessions.service.js';
import { UsersController } from './users/users.controller.js';
import { UsersService } from './users/users.service.js';

/**
 * Stytch's Consumer magic-link API as a NestJS module. It configures only its own slice (entities, controllers,
 * guards); the host owns `TypeOrmModule.forRoot` and, if it wants rate limits, `ThrottlerModule.forRoot`.
 */
@Module({
  imports: [TypeOrmModule.forFeature(MAGIC_LINKS_ENTITIES)],
  controllers: [
    UsersController,
    MagicLinksController,
    SessionsController,
    SessionsJwksController,
    RedirectController,
    MagicLinkEventsController,
  ],
  providers: [
    {
      provide: MAGIC_LINKS_OPTIONS,
      useFactory: (options: MagicLinksModuleOptions) => resolveMagicLinksOptions(options),
      inject: [MAGIC_LINKS_MODULE_OPTIONS],
    },
    BasicAuthGuard,
    StytchExceptionFilter,
    StytchResponseInterceptor,
    TokenService,
    UsersService,
    MagicLinksService,
    SessionKeysService,
    SessionJwtService,
    SessionsService,
    RedirectNonceService,
    MagicLinkEventsService,
    RedirectRoutingService,
  ],
  exports: [
    MAGIC_LINKS_OPTIONS,
    StytchExceptionFilter,
    UsersService,
    MagicLinksService,
    SessionsService,
    SessionKeysService,
    MagicLinkEventsService,
  ],
})
export class MagicLinksModule extends ConfigurableModuleClass {}
