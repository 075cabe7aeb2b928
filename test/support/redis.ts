import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './gateway.js';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

/** A real, throwaway `redis-server` (Debian's package) on a free port, without persistence. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const url = `redis://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null || spawnError) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (spawnError) throw new Error(`redis-server could not start (bash .ci/run installs it): ${spawnError.message}`);
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return { url, stop };
    } catch {
      // Not listening yet.
    } finally {
      client.disconnect();
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('redis-server did not answer within 10 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
