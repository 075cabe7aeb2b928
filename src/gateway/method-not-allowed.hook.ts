import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import { StytchException } from '../http/stytch.exception.js';

/**
 * Fastify answers an unrouted method with 404; HTTP (and Stytch's envelope) wants 405 with `Allow` when the path
 * exists under another method. Must be installed before the app initialises, while routes are still being added.
 */
export function installMethodNotAllowed(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const routes = FindMyWay();
  const noop = () => undefined;
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (!routes.hasRoute(method as HTTPMethod, route.url)) routes.on(method as HTTPMethod, route.url, noop);
    }
  });
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0];
    const allowed = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].filter(
      (method) => routes.find(method as HTTPMethod, path) !== null,
    );
    if (allowed.length === 0) return;
    reply.header('Allow', allowed.join(', '));
    throw new StytchException('method_not_allowed');
  });
}
