import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import type { IncomingMessage, Server } from 'node:http';
import type { ServerOptions } from 'node:https';
import { AppModule } from './app.module.js';
import { newId } from '../ids/ids.js';
import { StytchExceptionFilter } from '../http/stytch-exception.filter.js';
import type { GatewayConfig } from './gateway.config.js';
import { MAGIC_LINKS_OPTIONS } from '../options/inject-magic-links-options.decorator.js';
import { resolveMagicLinksOptions, type ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { answerClientErrors } from './client-error.handler.js';
import { limitConnectionsPerAddress } from './connections-per-address.limit.js';
import { closeConnectionsWhileDraining } from './drain-connections.hook.js';
import { installMethodNotAllowed } from './method-not-allowed.hook.js';
import { setupApiReference } from './api-reference.js';
import { instrumentHttp } from './http-metrics.hook.js';
import { installSecurityHeaders } from './security-headers.hook.js';
import { createGatewayLogger } from './gateway-logger.js';
import { installRequestLog } from './request-log.hook.js';
import { MAGIC_LINKS_METRICS_REGISTRY } from '../metrics/metrics-registry.js';

/** Largest JSON body accepted; Stytch's requests are a few hundred bytes. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Longest path parameter routed: above every id (user ids, 128-character `external_id`s, project ids), still a
 * bound on what the router and the handlers are handed.
 */
const MAX_PARAM_LENGTH = 256;

/** Builds the REST gateway (not yet listening): Fastify, the Stytch envelope everywhere, Swagger at /docs. */
export async function createGateway(config: GatewayConfig): Promise<NestFastifyApplication> {
  const { environment } = resolveMagicLinksOptions(config.magicLinks);
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = config.http;
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    // The Stytch-shaped id is the request's id everywhere: response bodies, logs, pino's request_id.
    genReqId: (req: IncomingMessage) => ((req as { id?: unknown }).id = newId('request-id', environment)),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Fastify's errors raised before routing (a bad % escape, an over-long parameter) go to the Nest filter.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) =>
      app.get(StytchExceptionFilter).respond(error, request, reply),
    clientErrorHandler: answerClientErrors(environment),
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    ...serverOptions(config, {
      headersTimeout: headersTimeoutMs,
      // Node looks for overdue requests only this often (30 s by default), which would stretch short timeouts.
      connectionsCheckingInterval: Math.min(1000, Math.ceil(headersTimeoutMs / 4)),
    }),
  });
  const logger = createGatewayLogger(config);
  const app = await NestFactory.create<NestFastifyApplication>(await AppModule.forRoot(config, logger), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.useGlobalFilters(app.get(StytchExceptionFilter));
  // On SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close the database, then exit 0 (by default
  // Nest re-raises the signal, which a supervisor reports as a crash).
  app.enableShutdownHooks([], { useProcessExit: true });

  const fastify = app.getHttpAdapter().getInstance();
  // The official client sends `Content-Type: application/json` with no body on some calls: read that as {}.
  // Prototype keys are dropped, not refused: the module ignores them as unknown fields in any host, so the gateway
  // answers as a host app does.
  const jsonParser = fastify.getDefaultJsonParser('remove', 'remove');
  app.useBodyParser<Server>('application/json', {}, (request, body, done) =>
    body.length === 0 ? done(null, {}) : jsonParser(request, body.toString('utf8'), done),
  );
  // JSON only: any other body is 415, not a string handed to validation.
  fastify.removeContentTypeParser('text/plain');
  installMethodNotAllowed(app);
  // Only when something serves /metrics: otherwise nobody would read what the hooks cost.
  if (config.metrics.port !== undefined || config.metrics.onApiPort) {
    instrumentHttp(app, app.get(MAGIC_LINKS_METRICS_REGISTRY));
  }
  installRequestLog(app, logger);
  closeConnectionsWhileDraining(app);
  limitConnectionsPerAddress(fastify.server, config.http.maxConnectionsPerIp, config.trustProxy);
  installSecurityHeaders(app);

  setupApiReference(app, app.get<ResolvedMagicLinksOptions>(MAGIC_LINKS_OPTIONS));
  return app;
}

/**
 * Node's server options: HTTPS with the configured certificate, which Stytch's frontend SDK needs (it calls
 * `https://<customBaseUrl host>` on port 443), else plain HTTP for a TLS-terminating proxy in front.
 */
function serverOptions(
  config: GatewayConfig,
  options: { headersTimeout: number; connectionsCheckingInterval: number },
): { https: ServerOptions & typeof options } | { http: typeof options } {
  return config.tls ? { https: { ...options, cert: config.tls.cert, key: config.tls.key } } : { http: options };
}
