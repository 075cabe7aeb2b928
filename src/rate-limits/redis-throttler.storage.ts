import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { StytchException } from '../http/stytch.exception.js';

/** What the storage needs of a Redis client: an ioredis `Redis` (or `Cluster`) instance has both. */
export interface RedisEvalClient {
  eval(script: string, numberOfKeys: number, ...args: (string | number)[]): Promise<unknown>;
  quit(): Promise<unknown>;
}

// One round trip, atomic: count the hit in a fixed window, start a block when the count passes the limit.
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
local blocked = redis.call('PTTL', KEYS[2])
if blocked <= 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blocked = tonumber(ARGV[3])
end
return { hits, ttl, blocked }
`;

/** Throttler counters in Redis, so every gateway instance shares one budget per key. */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger(RedisThrottlerStorage.name);

  constructor(
    private readonly redis: RedisEvalClient,
    private readonly prefix = 'magic-links:throttle:',
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const base = `${this.prefix}${throttlerName}:${key}`;
    let result: [number, number, number];
    try {
      result = (await this.redis.eval(INCREMENT, 2, `${base}:hits`, `${base}:blocked`, ttl, limit, blockDuration)) as [
        number,
        number,
        number,
      ];
    } catch (error) {
      // Without its counters the gateway cannot tell whether a caller is over its limit: refuse, as unavailable
      // (503, retryable), rather than let everyone through or answer 500.
      this.logger.warn(`rate limit storage unavailable: ${error instanceof Error ? error.message : String(error)}`);
      throw new StytchException('server_unavailable');
    }
    const [hits, ttlMs, blockedMs] = result;
    return {
      totalHits: hits,
      timeToExpire: Math.ceil(Math.max(ttlMs, 0) / 1000),
      isBlocked: blockedMs > 0,
      timeToBlockExpire: Math.ceil(Math.max(blockedMs, 0) / 1000),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
