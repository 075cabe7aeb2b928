import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Helmet's default headers on every response, but a global Content-Security-Policy, which Swagger UI at /docs could
 * not run under. They depend on nothing in the request, so helmet runs once, at start, and each request only copies
 * them (`@fastify/helmet` built helmet's middleware anew for every request: a few per cent of the CPU of a call).
 * A route may still override one (the telemetry endpoints set `Cross-Origin-Resource-Policy`).
 */
export function installSecurityHeaders(app: NestFastifyApplication): void {
  const headers: Record<string, string> = {};
  const response = {
    // Lower-cased once here: Fastify lower-cases every name it is given, an allocation per header and request.
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet({ contentSecurityPolicy: false })(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    () => undefined,
  );
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      reply.headers(headers);
      done();
    });
}
