import { ExecutionContext, Injectable, Optional, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  type ThrottlerGenerateKeyFunction,
  type ThrottlerGetTrackerFunction,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import {
  THROTTLER_BLOCK_DURATION,
  THROTTLER_KEY_GENERATOR,
  THROTTLER_LIMIT,
  THROTTLER_SKIP,
  THROTTLER_TRACKER,
  THROTTLER_TTL,
} from '@nestjs/throttler/dist/throttler.constants.js';
import { StytchException } from '../http/stytch.exception.js';
import { MagicLinksMetrics } from '../metrics/magic-links-metrics.service.js';

/** `@nestjs/throttler`'s guard, answering `429 too_many_requests` with a plain `Retry-After` (seconds). */
@Injectable()
export class StytchThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    // Counts refusals by throttler when MagicLinksModule is imported where the guard is provided.
    @Optional() private readonly metrics?: MagicLinksMetrics,
  ) {
    super(options, storage, reflector);
  }

  /** What each throttler applies to a route, read from its metadata once per handler and class. */
  private readonly routes = new WeakMap<Handler, WeakMap<Type<unknown>, RouteThrottler[]>>();

  /**
   * The stock guard's checks, in its order and with its errors, but with each route's `@Throttle`/`@SkipThrottle`
   * metadata read once rather than six metadata lookups per throttler on every request.
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (await this.shouldSkip(context)) return true;
    let continues = true;
    for (const route of this.routeThrottlers(context)) {
      const { throttler } = route;
      if (route.skip || route.skipIf?.(context)) continue;
      let limit = resolve(context, route.limit);
      if (isThenable(limit)) limit = await limit;
      let ttl = resolve(context, route.ttl);
      if (isThenable(ttl)) ttl = await ttl;
      let blockDuration = resolve(context, route.blockDuration ?? ttl);
      if (isThenable(blockDuration)) blockDuration = await blockDuration;
      const { getTracker, generateKey } = route;
      continues =
        (await this.handleRequest({
          context,
          limit: toNumber(limit, 'limit', throttler.name!),
          ttl: toNumber(ttl, 'ttl', throttler.name!),
          throttler,
          blockDuration: toNumber(blockDuration, 'blockDuration', throttler.name!),
          getTracker,
          generateKey,
        })) && continues;
    }
    return continues;
  }

  private routeThrottlers(context: ExecutionContext): RouteThrottler[] {
    const handler = context.getHandler();
    const classRef = context.getClass();
    let byClass = this.routes.get(handler);
    if (!byClass) this.routes.set(handler, (byClass = new WeakMap()));
    let routes = byClass.get(classRef);
    if (!routes) byClass.set(classRef, (routes = this.readRouteThrottlers(handler, classRef)));
    return routes;
  }

  private readRouteThrottlers(handler: Handler, classRef: Type<unknown>): RouteThrottler[] {
    const read = <T>(key: string, throttler: ThrottlerOptions) =>
      this.reflector.getAllAndOverride<T | undefined>(key + throttler.name, [handler, classRef]);
    return this.throttlers.map((throttler) => ({
      throttler,
      skip: Boolean(read<boolean>(THROTTLER_SKIP, throttler)),
      skipIf: throttler.skipIf ?? this.commonOptions.skipIf,
      limit: read<Resolvable<number>>(THROTTLER_LIMIT, throttler) ?? throttler.limit,
      ttl: read<Resolvable<number>>(THROTTLER_TTL, throttler) ?? throttler.ttl,
      blockDuration: read<Resolvable<number>>(THROTTLER_BLOCK_DURATION, throttler) ?? throttler.blockDuration,
      getTracker:
        read<ThrottlerGetTrackerFunction>(THROTTLER_TRACKER, throttler) ??
        throttler.getTracker ??
        this.commonOptions.getTracker!,
      generateKey:
        read<ThrottlerGenerateKeyFunction>(THROTTLER_KEY_GENERATOR, throttler) ??
        throttler.generateKey ??
        this.commonOptions.generateKey!,
    }));
  }

  /**
   * One budget per throttler and tracker across every route: the default key also names the controller and handler,
   * which would give a client a fresh budget on each endpoint. The key is not hashed, as the email throttlers' are
   * not: the storage is the gateway's own (memory or its Redis).
   */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const { res } = this.getRequestResponse(context);
    res.header('Retry-After', String(Math.max(1, detail.timeToBlockExpire)));
    this.metrics?.refused(this.throttlerOf(detail.key));
    throw new StytchException('too_many_requests');
  }

  /** The refusing throttler's name, which every key here starts with; a configured name, so a bounded label. */
  private throttlerOf(key: string): string {
    const name = key.slice(0, key.indexOf(':'));
    return this.throttlers.some((throttler) => throttler.name === name) ? name : 'other';
  }
}

/** A route's handler, as Nest's execution context names it. */
type Handler = ReturnType<ExecutionContext['getHandler']>;

type Resolvable<T> = T | ((context: ExecutionContext) => T | Promise<T>);

/** A throttler as it applies to one route. */
interface RouteThrottler {
  throttler: ThrottlerOptions;
  skip: boolean;
  skipIf: ((context: ExecutionContext) => boolean) | undefined;
  limit: Resolvable<number>;
  ttl: Resolvable<number>;
  blockDuration: Resolvable<number> | undefined;
  getTracker: ThrottlerGetTrackerFunction;
  generateKey: ThrottlerGenerateKeyFunction;
}

/**
 * A plain value as is; a function's value for this request. The guard awaits only what is a promise: an await of
 * a plain value still costs a turn of the microtask queue, three per throttler and request.
 */
function resolve<T>(context: ExecutionContext, value: Resolvable<T>): T | Promise<T> {
  return typeof value === 'function' ? (value as (context: ExecutionContext) => T | Promise<T>)(context) : value;
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** As the stock guard checks a resolved limit, ttl or block duration. */
function toNumber(value: unknown, option: string, throttlerName: string): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || Number.isNaN(number)) {
    throw new Error(
      `Invalid "${option}" for the "${throttlerName}" throttler: expected a number, got ${JSON.stringify(value)}.`,
    );
  }
  return number;
}
