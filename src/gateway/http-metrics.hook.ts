import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify';
import { Gauge, Histogram, type Registry } from 'prom-client';

/** Seconds; the API answers in milliseconds, a slow database or SMTP-bound request in seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];
/** The route label of requests no route matched: their raw URLs would be unbounded. */
const UNMATCHED = 'unmatched';

/**
 * HTTP metrics of the gateway, on the module's registry: requests and their latency by route template (never the
 * raw URL), method and status class, and the requests in flight. The gateway's own Fastify hooks, so nothing is
 * installed on a host app. Each route gets its own `onResponse` hook when it is added, holding its label values,
 * so a request costs one histogram observation and no lookup of its route. Must be installed before the app
 * initialises, while routes are being added.
 */
export function instrumentHttp(app: NestFastifyApplication, registry: Registry): void {
  const fastify = app.getHttpAdapter().getInstance();
  const duration = new Histogram({
    name: 'magic_links_http_request_duration_seconds',
    help: 'HTTP requests answered, by route template, method and status class, and their latency (seconds).',
    labelNames: ['route', 'method', 'status_class'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  let inFlight = 0;
  new Gauge({
    name: 'magic_links_http_requests_in_flight',
    help: 'HTTP requests received and not yet answered nor abandoned.',
    registers: [registry],
    collect() {
      this.set(inFlight);
    },
  });
  // 'close' ends every response, answered or abandoned by its client ('finish', and so onResponse, only the first).
  const closed = () => void inFlight--;
  fastify.addHook('onRequest', (_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    inFlight++;
    reply.raw.on('close', closed);
    done();
  });
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const observe = observerOf(duration, route.url);
    route.onResponse = [route.onResponse ?? []].flat().concat((request, reply, done) => {
      observe(request.method, reply.statusCode, reply.elapsedTime);
      done();
    });
  });
  const unmatched = observerOf(duration, UNMATCHED);
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (request.is404) unmatched(request.method, reply.statusCode, reply.elapsedTime);
    done();
  });
}

/** The route's observations: one histogram child per method and status class, made on its first request. */
function observerOf(duration: Histogram<'route' | 'method' | 'status_class'>, route: string) {
  const byMethod = new Map<string, ({ observe(seconds: number): void } | undefined)[]>();
  return (method: string, statusCode: number, elapsedMs: number): void => {
    let children = byMethod.get(method);
    if (!children) byMethod.set(method, (children = new Array<undefined>(STATUS_CLASSES.length)));
    const index = Math.min(Math.max(Math.trunc(statusCode / 100), 1), 5) - 1;
    (children[index] ??= duration.labels({ route, method, status_class: STATUS_CLASSES[index] })).observe(
      elapsedMs / 1000,
    );
  };
}
