import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  emailThrottlers,
  MAGIC_LINKS_ENTITIES,
  MAGIC_LINKS_MIGRATIONS,
  MagicLinksModule,
  MemoryThrottlerStorage,
  ProjectCredentials,
  StytchThrottlerGuard,
} from 'nestjs-magic-links';
import { GreetingController } from './greeting.controller.js';
import { HostExceptionFilter } from './host-exception.filter.js';
import { RequestLogGuard } from './request-log.guard.js';
import { settings } from './settings.js';

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'better-sqlite3',
      database: settings.database,
      // The host's own entities and migrations would sit beside the module's.
      entities: [...MAGIC_LINKS_ENTITIES],
      migrations: [...MAGIC_LINKS_MIGRATIONS],
      migrationsRun: true,
    }),
    ThrottlerModule.forRoot({
      throttlers: [
        { name: 'ip', limit: 1200, ttl: 60_000 },
        // The email endpoints' own limits: per address (1 a second, 30 an hour) and per client address, spent only
        // by calls whose credentials verify.
        ...emailThrottlers(
          {
            perEmail: { limit: 1, ttlSeconds: 1 },
            perEmailLong: { limit: 30, ttlSeconds: 3600 },
            perIp: { limit: 100, ttlSeconds: 60 },
          },
          new ProjectCredentials(settings.projectId, settings.secret),
        ),
      ],
      storage: new MemoryThrottlerStorage(),
    }),
    MagicLinksModule.forRoot({
      projectId: settings.projectId,
      secret: settings.secret,
      publicUrl: settings.publicUrl,
      redirectUrls: { login: [settings.redirectUrl], signup: [settings.redirectUrl], invite: [settings.redirectUrl] },
      // No smtpUrl: mail goes to the outbox folder (development only; NODE_ENV=production refuses it).
      email: { outboxDir: settings.outboxDir },
    }),
  ],
  controllers: [GreetingController],
  providers: [
    { provide: APP_GUARD, useClass: RequestLogGuard },
    { provide: APP_GUARD, useClass: StytchThrottlerGuard },
    { provide: APP_FILTER, useClass: HostExceptionFilter },
  ],
})
export class AppModule {}
