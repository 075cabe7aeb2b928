import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Logger } from 'pino';

/**
 * One line per answered request, from a Fastify hook with the root logger. pino-http through Nest's middleware did
 * the same at a measurable cost per request: a child logger each, the middleware chain, and an AsyncLocalStorage
 * context whose promise hooks slowed every await. Only method and path: query strings carry tokens, headers carry
 * credentials, bodies carry both.
 */
export function installRequestLog(app: NestFastifyApplication, logger: Logger): void {
  if (!logger.isLevelEnabled('info')) return;
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    logger.info(
      {
        ...requestFields(request),
        res: { status_code: reply.statusCode },
        response_time_ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
    done();
  });
  // The client left before its answer (an upload cut short, say): its own doing, so info, not an error.
  fastify.addHook('onRequestAbort', (request: FastifyRequest, done: HookHandlerDoneFunction) => {
    logger.info(requestFields(request), 'request aborted');
    done();
  });
}

function requestFields(request: FastifyRequest): { request_id: string; req: { method: string; path: string } } {
  return { request_id: request.id, req: { method: request.method, path: request.url.split('?', 1)[0] } };
}
