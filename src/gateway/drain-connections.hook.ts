import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Fastify closes the keep-alive connections that are idle when it starts closing; one whose request is still in
 * flight would stay open after its response, holding the shutdown for the keep-alive timeout. Its response closes it.
 */
export function closeConnectionsWhileDraining(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
}
