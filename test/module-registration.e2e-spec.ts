import 'reflect-metadata';
import { Inject, Injectable, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Not src/index.ts: it re-exports the throttler guard, and jest cannot load @nestjs/throttler (see the brief).
import { MAGIC_LINKS_ENTITIES } from '../src/magic-links.entities.js';
import type { MagicLinksOptionsFactory } from '../src/magic-links.module-definition.js';
import { MagicLinksModule } from '../src/magic-links.module.js';
import type { MagicLinksModuleOptions } from '../src/options/magic-links.options.js';
import { MAGIC_LINKS_MIGRATIONS } from '../src/migrations/index.js';

const OPTIONS: MagicLinksModuleOptions = {
  projectId: 'project-live-22222222-2222-4222-8222-222222222222',
  secret: 'secret-live-host-app-registration-test',
};
const AUTH = `Basic ${Buffer.from(`${OPTIONS.projectId}:${OPTIONS.secret}`).toString('base64')}`;

const SETTINGS = Symbol('SETTINGS');

/** Stands in for a host app's own configuration module, as `@nestjs/config`'s ConfigModule would. */
@Module({ providers: [{ provide: SETTINGS, useValue: OPTIONS }], exports: [SETTINGS] })
class SettingsModule {}

@Injectable()
class MagicLinksConfig implements MagicLinksOptionsFactory {
  createMagicLinksOptions(): MagicLinksModuleOptions {
    return OPTIONS;
  }
}

@Injectable()
class SettingsBackedConfig implements MagicLinksOptionsFactory {
  constructor(@Inject(SETTINGS) private readonly settings: MagicLinksModuleOptions) {}

  async createMagicLinksOptions(): Promise<MagicLinksModuleOptions> {
    return { ...this.settings };
  }
}

/** A host application: it owns TypeORM's forRoot (with the module's entities and migrations) and mounts the module. */
function hostModule(magicLinks: DynamicModule, migrationsRun = true): DynamicModule {
  @Module({})
  class HostModule {}
  return {
    module: HostModule,
    imports: [
      TypeOrmModule.forRoot({
        type: 'better-sqlite3',
        database: join(mkdtempSync(join(tmpdir(), 'magic-links-host-')), 'host.sqlite'),
        entities: MAGIC_LINKS_ENTITIES,
        migrations: MAGIC_LINKS_MIGRATIONS,
        migrationsRun,
      }),
      magicLinks,
    ],
  };
}

async function serve(magicLinks: DynamicModule): Promise<{ app: INestApplication; url: string }> {
  const app = await NestFactory.create(hostModule(magicLinks), new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}` };
}

describe('MagicLinksModule registrations in a host app', () => {
  it.each<[string, () => DynamicModule]>([
    ['forRoot()', () => MagicLinksModule.forRoot(OPTIONS)],
    [
      'forRootAsync({ useFactory, inject })',
      () =>
        MagicLinksModule.forRootAsync({
          imports: [SettingsModule],
          inject: [SETTINGS],
          useFactory: (settings: MagicLinksModuleOptions) => settings,
        }),
    ],
    ['forRootAsync({ useClass })', () => MagicLinksModule.forRootAsync({ useClass: MagicLinksConfig })],
    [
      'forRootAsync({ useClass }) with an injected dependency',
      () => MagicLinksModule.forRootAsync({ imports: [SettingsModule], useClass: SettingsBackedConfig }),
    ],
  ])('%s compiles, migrates and serves the API', async (_name, register) => {
    const { app, url } = await serve(register());
    try {
      const post = (path: string, body: unknown, authorization = AUTH) =>
        fetch(url + path, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const created = await post('/v1/users', { email: 'host@example.com' });
      expect(created.status).toBe(200);
      const user = (await created.json()) as Record<string, any>;
      // A project-live-… id makes a live project: ids say so.
      expect(user).toMatchObject({ status_code: 200, status: 'active' });
      expect(user.user_id).toMatch(/^user-live-/);
      expect(user.request_id).toMatch(/^request-id-live-/);

      const link = (await (await post('/v1/magic_links', { user_id: user.user_id })).json()) as { token: string };
      const authenticated = await post('/v1/magic_links/authenticate', { token: link.token });
      expect(authenticated.status).toBe(200);

      const denied = await post('/v1/users', { email: 'other@example.com' }, 'Basic d3Jvbmc6Y3JlZGVudGlhbHM=');
      expect(denied.status).toBe(401);
      expect(await denied.json()).toMatchObject({ error_type: 'unauthorized_credentials', status_code: 401 });
    } finally {
      await app.close();
    }
  });

  it.each<[string, () => DynamicModule, string]>([
    [
      'forRoot() with a short secret',
      () => MagicLinksModule.forRoot({ ...OPTIONS, secret: 'too-short' }),
      'MagicLinksModule options: secret must be a string of at least 16 characters without ":".',
    ],
    [
      'forRootAsync() resolving a relative redirect URL',
      () =>
        MagicLinksModule.forRootAsync({
          useFactory: () => ({ ...OPTIONS, redirectUrls: { login: ['/authenticate'] } }),
        }),
      'MagicLinksModule options: redirectUrls.login: "/authenticate" is not an absolute URL; write it as https://host/path.',
    ],
  ])('%s fails at start-up, saying how to fix it', async (_name, register, message) => {
    const started = NestFactory.create(hostModule(register()), new FastifyAdapter(), {
      logger: false,
      abortOnError: false,
    });
    await expect(started).rejects.toMatchObject({ name: 'MagicLinksOptionsError', message });
  });

  it('refuses to start on a database without its migrations, saying how to run them', async () => {
    const app = await NestFactory.create(hostModule(MagicLinksModule.forRoot(OPTIONS), false), new FastifyAdapter(), {
      logger: false,
      abortOnError: false,
    });
    try {
      const started = app.listen(0, '127.0.0.1');
      await expect(started).rejects.toThrow(
        /of its \d+ migrations have not run on this database \(InitialSchema1763800000000, /,
      );
      await expect(started).rejects.toThrow(/MAGIC_LINKS_MIGRATIONS .* migrationsRun: true/);
    } finally {
      await app.close();
    }
  });
});
