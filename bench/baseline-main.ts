import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { BaselineModule } from './baseline.module.js';

/** The baseline's process, started by bench/run.ts with DATABASE_URL, PORT and BASELINE_TOKEN_HASH_KEY. */
async function main(): Promise<void> {
  const { DATABASE_URL, PORT, BASELINE_TOKEN_HASH_KEY } = process.env;
  if (!DATABASE_URL || !PORT || !BASELINE_TOKEN_HASH_KEY) {
    throw new Error('The baseline needs DATABASE_URL, PORT and BASELINE_TOKEN_HASH_KEY; bench/run.ts sets them.');
  }
  const app = await NestFactory.create<NestFastifyApplication>(
    BaselineModule.forRoot(DATABASE_URL, BASELINE_TOKEN_HASH_KEY),
    new FastifyAdapter(),
    { logger: ['error', 'warn'] },
  );
  app.enableShutdownHooks();
  await app.listen(Number(PORT), '127.0.0.1');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
