import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

/** One key's fixed window: how many hits it has seen, when it ends, and until when the key is blocked. */
interface ThrottleWindow {
  hits: number;
  expiresAt: number;
  blockedUntil: number;
}

/**
 * Throttler counters in this process's memory, by the rule `RedisThrottlerStorage` applies in Redis: a fixed window
 * per key that starts with its first hit, and a block once the hits pass the limit. Each request costs O(1), where
 * `@nestjs/throttler`'s default storage keeps (and copies on every request) one timestamp per hit in the window.
 * Windows that have ended are swept once per `sweepIntervalMs`, so memory holds only the keys seen recently.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly windows = new Map<string, ThrottleWindow>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(sweepIntervalMs = 60_000) {
    // unref: the sweep never keeps the process alive on its own.
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs).unref();
  }

  /** Keys held, expired or not until the next sweep. */
  get size(): number {
    return this.windows.size;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): ReturnType<ThrottlerStorage['increment']> {
    const now = Date.now();
    const id = `${throttlerName}:${key}`;
    let window = this.windows.get(id);
    if (!window) {
      window = { hits: 0, expiresAt: now + ttl, blockedUntil: 0 };
      this.windows.set(id, window);
    } else if (window.expiresAt <= now) {
      // A block outlives the window it started in, as the separate block key does in Redis.
      window.hits = 0;
      window.expiresAt = now + ttl;
    }
    window.hits++;
    if (window.blockedUntil <= now && window.hits > limit) window.blockedUntil = now + blockDuration;
    const blockedMs = window.blockedUntil - now;
    return {
      totalHits: window.hits,
      timeToExpire: Math.ceil((window.expiresAt - now) / 1000),
      isBlocked: blockedMs > 0,
      timeToBlockExpire: Math.ceil(Math.max(blockedMs, 0) / 1000),
    };
  }

  /** Drops every key whose window and block have both ended. */
  sweep(now = Date.now()): void {
    for (const [id, window] of this.windows) {
      if (window.expiresAt <= now && window.blockedUntil <= now) this.windows.delete(id);
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }
}
