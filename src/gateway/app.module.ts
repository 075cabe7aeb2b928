import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { stdSerializers } from 'pino';
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

/** One line per entry, for a person at a terminal: `12:00:01.234 INFO: [Context] POST /v1/users 200 12ms …`. */
const PRETTY_LOGS = {
  target: 'pino-pretty',
  options: {
    translateTime: 'SYS:HH:MM:ss.l',
    singleLine: true,
    ignore: 'pid,hostname,context,req,res,response_time_ms',
    messageFormat:
      '{if context}[{context}] {end}{if req}{req.method} {req.path} {res.status_code} {response_time_ms}ms {end}{msg}',
  },
};

/** The gateway's host module: it owns every `forRoot` (database, rate limits, logging) and mounts the library. */
@Module({})
export class AppModule {
  static async forRoot(config: GatewayConfig): Promise<DynamicModule> {
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
        LoggerModule.forRoot({
          // nestjs-pino's default route, `{/*splat}`, has no leading slash; @fastify/middie 9.3 prefixes one, and
          // `/{/*splat}` then matches no request at all, so no request was ever logged. This form matches every path.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: config.logLevel,
            ...(config.logFormat === 'pretty' ? { transport: PRETTY_LOGS } : {}),
            // Every line logged during a request, the request's own included, carries its Stytch-shaped id.
            quietReqLogger: true,
            customAttributeKeys: { reqId: 'request_id', responseTime: 'response_time_ms' },
            // Only method and path: query strings carry tokens, headers carry credentials, bodies carry both.
            serializers: {
              req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
              res: (res: { statusCode: number }) => ({ status_code: res.statusCode }),
              err: withoutQueryParameters,
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

/** A database error carries its bound values (emails, token hashes): logs keep the SQL but never the values. */
function withoutQueryParameters(error: Error): Record<string, unknown> {
  const serialized: Record<string, unknown> = { ...stdSerializers.err(error) };
  delete serialized.parameters;
  return serialized;
}
