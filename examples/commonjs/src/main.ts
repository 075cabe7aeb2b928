import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { HostExceptionFilter } from './host-exception.filter';
import { RequestLogGuard } from './request-log.guard';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  // The host's own global pipe, filter and guard; none of them may change an answer of the module's routes.
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new HostExceptionFilter());
  app.useGlobalGuards(new RequestLogGuard());
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
  console.log(`commonjs host listening on ${await app.getUrl()}`);
}

void bootstrap();
