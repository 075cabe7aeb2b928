import { jest } from '@jest/globals';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';

const MINUTE = 60_000;

describe('MemoryThrottlerStorage', () => {
  let storage: MemoryThrottlerStorage;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    storage = new MemoryThrottlerStorage(MINUTE);
  });

  afterEach(() => {
    storage.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('counts hits in a fixed window and blocks once they pass the limit, until the block ends', async () => {
    for (let hit = 1; hit <= 3; hit++) {
      expect(await storage.increment('client', MINUTE, 3, MINUTE, 'ip')).toEqual({
        totalHits: hit,
        timeToExpire: 60,
        isBlocked: false,
        timeToBlockExpire: 0,
      });
    }
    jest.advanceTimersByTime(20_000);
    expect(await storage.increment('client', MINUTE, 3, MINUTE, 'ip')).toEqual({
      totalHits: 4,
      timeToExpire: 40,
      isBlocked: true,
      timeToBlockExpire: 60,
    });

    // The window ends after 60 s, but the block started 20 s into it lasts its full minute.
    jest.advanceTimersByTime(45_000);
    expect(await storage.increment('client', MINUTE, 3, MINUTE, 'ip')).toMatchObject({
      totalHits: 1,
      isBlocked: true,
      timeToBlockExpire: 15,
    });
    jest.advanceTimersByTime(15_000);
    expect(await storage.increment('client', MINUTE, 3, MINUTE, 'ip')).toEqual({
      totalHits: 2,
      timeToExpire: 45,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('starts a fresh window for a key once its window has ended', async () => {
    await storage.increment('client', 10_000, 5, 10_000, 'ip');
    await storage.increment('client', 10_000, 5, 10_000, 'ip');
    jest.advanceTimersByTime(10_000);
    expect(await storage.increment('client', 10_000, 5, 10_000, 'ip')).toMatchObject({
      totalHits: 1,
      timeToExpire: 10,
    });
  });

  it('keeps keys and throttlers apart', async () => {
    await storage.increment('a', MINUTE, 1, MINUTE, 'ip');
    expect(await storage.increment('a', MINUTE, 1, MINUTE, 'ip')).toMatchObject({ totalHits: 2, isBlocked: true });
    expect(await storage.increment('b', MINUTE, 1, MINUTE, 'ip')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await storage.increment('a', MINUTE, 1, MINUTE, 'project')).toMatchObject({
      totalHits: 1,
      isBlocked: false,
    });
  });

  it('evicts keys whose window and block have ended, so memory holds only recent keys', async () => {
    for (let client = 0; client < 1000; client++) await storage.increment(`client-${client}`, 10_000, 5, 10_000, 'ip');
    await storage.increment('blocked', 10_000, 0, 5 * MINUTE, 'ip');
    expect(storage.size).toBe(1001);

    jest.advanceTimersByTime(MINUTE);
    expect(storage.size).toBe(1);

    jest.advanceTimersByTime(5 * MINUTE);
    expect(storage.size).toBe(0);
  });
});
