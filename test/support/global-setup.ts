import { startPostgres } from './postgres-server.js';

/**
 * Starts the real PostgreSQL the e2e suites run against, unless TEST_POSTGRES_URL names one already.
 * Each suite then creates its own database on it.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_POSTGRES_URL) return;
  const server = await startPostgres(54329 + (process.pid % 500));
  process.env.TEST_POSTGRES_URL = server.url;
  (globalThis as { postgresServer?: { stop(): void } }).postgresServer = server;
}
