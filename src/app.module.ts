import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import { RedisThrottlerStorage } from './common/redis-throttler.storage.js';
import { StytchThrottlerGuard } from './common/stytch-throttler.guard.js';
import { databaseOptions } from './database.options.js';
import type { GatewayConfig } from './gateway.config.js';
import { HealthController } from './health.controller.js';
import { MagicLinksModule } from './magic-links.module.js';

/** The gateway's host module: it owns every `forRoot` (database, rate limits, logging) and mounts the library. */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    const projectId = config.magicLinks.projectId;
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            customAttributeKeys: { reqId: 'request_id' },
            // Only method and path: query strings carry tokens, headers carry credentials.
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({
                method: req.method,
                path: req.url.split('?')[0],
              }),
              res: (res: { statusCode: number }) => ({ status_code: res.statusCode }),
            },
          },
        }),
        TypeOrmModule.forRoot(databaseOptions(config.databaseUrl, config.runMigrations)),
        ThrottlerModule.forRoot({
          throttlers: [
            { name: 'ip', limit: config.rateLimits.perIp.limit, ttl: config.rateLimits.perIp.ttlSeconds * 1000 },
            {
              name: 'project',
              limit: config.rateLimits.perProject.limit,
              ttl: config.rateLimits.perProject.ttlSeconds * 1000,
              getTracker: () => projectId,
            },
          ],
          storage: config.redisUrl ? new RedisThrottlerStorage(new Redis(config.redisUrl)) : undefined,
        }),
        TerminusModule,
        MagicLinksModule.forRoot(config.magicLinks),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_GUARD, useClass: StytchThrottlerGuard }],
    };
  }
}
