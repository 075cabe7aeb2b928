import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { ProjectCredentials } from '../http/project-credentials.js';
import { MemoryThrottlerStorage } from '../rate-limits/memory-throttler.storage.js';
import { RedisThrottlerStorage } from '../rate-limits/redis-throttler.storage.js';
import { outsideProjectBudget } from '../rate-limits/project-budget.js';
import { StytchThrottlerGuard } from '../rate-limits/stytch-throttler.guard.js';
import { emailThrottlers } from '../email/email-rate-limits.js';
import { databaseOptions } from './database.options.js';
import type { GatewayConfig } from './gateway.config.js';
import { HealthController } from './health.controller.js';
import { MagicLinksModule } from '../magic-links.module.js';

/** The gateway's host module: it owns every `forRoot` (database, rate limits, logging) and mounts the library. */
@Module({})
export class AppModule {
  static async forRoot(config: GatewayConfig, logger: Logger): Promise<DynamicModule> {
    const projectId = config.magicLinks.projectId;
    const credentials = new ProjectCredentials(projectId, config.magicLinks.secret);
    const scraped = config.metrics.port !== undefined || config.metrics.onApiPort;
    // Bull and ioredis are loaded only when Redis is configured: without it they only cost start-up time and memory.
    let throttlerStorage: ThrottlerStorage = new MemoryThrottlerStorage();
    const redisImports: DynamicModule[] = [];
    if (config.redisUrl) {
      const [{ Redis }, { BullModule }] = await Promise.all([import('ioredis'), import('@nestjs/bull')]);
      // Fail fast when Redis is down: the request answers 503 at once rather than waiting for a reconnect.
      throttlerStorage = new RedisThrottlerStorage(new Redis(config.redisUrl, { maxRetriesPerRequest: 1 }));
      redisImports.push(BullModule.forRoot({ url: config.redisUrl, prefix: 'magic-links' }));
    }
    return {
      module: AppModule,
      imports: [
        // Nest's and the module's lines go to the gateway's logger. No request middleware: each request's line is
        // written by the gateway's own Fastify hook (request-log.hook.ts).
        LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] }),
        TypeOrmModule.forRoot(databaseOptions(config.databaseUrl, config.runMigrations)),
        ThrottlerModule.forRoot({
          throttlers: [
            { name: 'ip', limit: config.rateLimits.perIp.limit, ttl: config.rateLimits.perIp.ttlSeconds * 1000 },
            {
              name: 'project',
              limit: config.rateLimits.perProject.limit,
              ttl: config.rateLimits.perProject.ttlSeconds * 1000,
              getTracker: () => projectId,
              skipIf: outsideProjectBudget(credentials),
            },
            ...emailThrottlers(config.rateLimits.email, credentials),
          ],
          // No X-RateLimit-* headers: Stytch sends none, the per-project ones would tell every client how much the
          // whole project is calling, and they cost six headers per response. A 429 still carries Retry-After.
          setHeaders: false,
          storage: throttlerStorage,
        }),
        ...redisImports,
        TerminusModule,
        MagicLinksModule.forRoot({
          ...config.magicLinks,
          emailQueue: config.redisUrl ? 'bull' : 'in-process',
          metricsEndpoint: config.metrics.onApiPort,
          // With no /metrics to scrape, prom-client's process metrics would only cost: an event-loop timer waking
          // the idle process every 10 ms and an observer on every garbage collection.
          metrics: { ...config.magicLinks.metrics, defaultMetrics: scraped },
        }),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_GUARD, useClass: StytchThrottlerGuard }],
    };
  }
}
