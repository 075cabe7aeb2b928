export default async function globalTeardown(): Promise<void> {
  (globalThis as { postgresServer?: { stop(): void } }).postgresServer?.stop();
}
