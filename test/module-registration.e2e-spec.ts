import 'reflect-metadata';
import {
  Catch,
  ClassSerializerInterceptor,
  Inject,
  Injectable,
  Module,
  ValidationPipe,
  type ArgumentsHost,
  type CallHandler,
  type DynamicModule,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplication,
  type NestInterceptor,
} from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { tap, type Observable } from 'rxjs';
// Not src/index.ts: it re-exports the throttler guard, and jest cannot load @nestjs/throttler (see the brief).
import { MAGIC_LINKS_ENTITIES } from '../src/magic-links.entities.js';
import type { MagicLinksOptionsFactory } from '../src/magic-links.module-definition.js';
import { MagicLinksModule } from '../src/magic-links.module.js';
import type { MagicLinksModuleOptions } from '../src/options/magic-links.options.js';
import { MAGIC_LINKS_MIGRATIONS } from '../src/migrations/index.js';
import { MAX_JSON_DEPTH } from '../src/http/json-input.js';
import { MAGIC_LINKS_METRICS_REGISTRY } from '../src/metrics/metrics-registry.js';
import { AUTH as GATEWAY_AUTH, PROJECT_ID, SECRET, startGateway, type RunningGateway } from './support/gateway.js';

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
      'MagicLinksModule options: secret must be a string of at least 16 characters without ":", or during a rotation a list of such values, the newest first.',
    ],
    [
      'forRootAsync() resolving a relative redirect URL',
      () =>
        MagicLinksModule.forRootAsync({
          useFactory: () => ({ ...OPTIONS, redirectUrls: { login: ['/authenticate'] } }),
        }),
      'MagicLinksModule options: redirectUrls.login: "/authenticate" is not an absolute URL; write it as https://host/path.',
    ],
    [
      'forRoot() mounting /metrics without a token',
      () => MagicLinksModule.forRoot({ ...OPTIONS, metricsEndpoint: true }),
      'MagicLinksModule options: metricsEndpoint: true needs metrics.bearerToken (at least 16 characters), the token Prometheus presents.',
    ],
  ])('%s fails at start-up, saying how to fix it', async (_name, register, message) => {
    const started = NestFactory.create(hostModule(register()), new FastifyAdapter(), {
      logger: false,
      abortOnError: false,
    });
    await expect(started).rejects.toMatchObject({ name: 'MagicLinksOptionsError', message });
  });

  it("counts into the host's registry, and mounts /metrics for a bearer token only when asked", async () => {
    const registry = new Registry();
    const token = 'host-metrics-token-0123456789';
    const { app, url } = await serve(
      MagicLinksModule.forRootAsync({
        useFactory: () => ({ ...OPTIONS, metrics: { registry, bearerToken: token } }),
        metricsEndpoint: true,
      }),
    );
    try {
      expect(app.get(MAGIC_LINKS_METRICS_REGISTRY)).toBe(registry);
      const created = await fetch(`${url}/v1/users`, {
        method: 'POST',
        headers: { authorization: AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'metrics@example.com' }),
      });
      const { user_id } = (await created.json()) as { user_id: string };
      await fetch(`${url}/v1/magic_links`, {
        method: 'POST',
        headers: { authorization: AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ user_id }),
      });
      const counted = await registry.getSingleMetricAsString('magic_links_links_created_total');
      expect(counted).toContain('magic_links_links_created_total{kind="embedded"} 1');
      // The process metrics are the host's to collect into its own registry.
      expect(registry.getSingleMetric('process_cpu_seconds_total')).toBeUndefined();
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      const scraped = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(await scraped.text()).toContain('magic_links_links_created_total{kind="embedded"} 1');
    } finally {
      await app.close();
    }
    // Without metricsEndpoint, /metrics stays the host's path.
    const plain = await serve(MagicLinksModule.forRoot(OPTIONS));
    try {
      expect((await fetch(`${plain.url}/metrics`)).status).toBe(404);
      expect(
        plain.app.get<Registry>(MAGIC_LINKS_METRICS_REGISTRY).getSingleMetric('process_cpu_seconds_total'),
      ).toBeDefined();
    } finally {
      await plain.app.close();
    }
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

/** A host app's catch-all filter, in a shape of its own: any module answer written by it would show. */
@Catch()
class HostCatchAllFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<{ code(status: number): { send(body: unknown): void } }>()
      .code(418)
      .send({ error: 'host-filter', message: String(exception) });
  }
}

/** A host app's timing interceptor, the usual kind: it looks at every response without changing it. */
@Injectable()
class HostTimingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const started = Date.now();
    const reply = context.switchToHttp().getResponse<{ header(name: string, value: string): void }>();
    return next.handle().pipe(tap(() => reply.header('x-host-elapsed-ms', String(Date.now() - started))));
  }
}

interface Exchange {
  name: string;
  status: number;
  contentType: string | null;
  body: string;
}

interface Target {
  url: string;
  /** What earlier steps created on this target, e.g. the user_id of the user the cases act on. */
  userId?: string;
}

interface Case {
  name: string;
  method?: string;
  path: string | ((target: Target) => string);
  body?: unknown;
  headers?: Record<string, string>;
}

describe('MagicLinksModule in a host app with its own global pipe, filter and interceptors', () => {
  let gateway: RunningGateway;
  const hosts: INestApplication[] = [];

  /** A host app with the global pipe, filter and interceptors a Nest app typically registers. */
  async function startHost(pipe: ValidationPipe): Promise<string> {
    const host = await NestFactory.create(
      hostModule(
        MagicLinksModule.forRoot({
          projectId: PROJECT_ID,
          secret: SECRET,
          publicUrl: gateway.url,
          // The gateway's defaults, so that both choose the same redirect URLs.
          redirectUrls: {
            login: ['http://localhost:3000/authenticate'],
            signup: ['http://localhost:3000/authenticate'],
            invite: ['http://localhost:3000/authenticate'],
          },
          email: { outboxDir: mkdtempSync(join(tmpdir(), 'magic-links-host-outbox-')) },
        }),
      ),
      new FastifyAdapter(),
      { logger: false, abortOnError: false },
    );
    hosts.push(host);
    host.useGlobalPipes(pipe);
    host.useGlobalFilters(new HostCatchAllFilter());
    host.useGlobalInterceptors(new ClassSerializerInterceptor(host.get(Reflector)), new HostTimingInterceptor());
    await host.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${(host.getHttpServer().address() as { port: number }).port}`;
  }

  beforeAll(async () => {
    gateway = await startGateway('sqlite');
  });

  afterAll(async () => {
    for (const host of hosts) await host.close();
    await gateway?.close();
  });

  let emails = 0;
  const email = () => `host-${++emails}@example.com`;
  const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

  const CASES: Case[] = [
    // Valid input, with what a host's ValidationPipe would have refused or changed.
    { name: 'create with an unknown field', path: '/v1/users', body: { email: email(), favourite_colour: 'teal' } },
    {
      name: 'create with null optional fields',
      path: '/v1/users',
      body: { email: email(), name: null, external_id: null, roles: null, attributes: null, phone_number: null },
    },
    {
      name: 'create with nulls inside nested DTOs and in metadata',
      path: '/v1/users',
      body: { email: email(), name: { first_name: 'Ada', last_name: null }, trusted_metadata: { a: null, b: [1] } },
    },
    {
      name: 'login_or_create with null URLs and expirations',
      path: '/v1/magic_links/email/login_or_create',
      body: {
        email: email(),
        login_magic_link_url: null,
        signup_magic_link_url: null,
        login_expiration_minutes: null,
        locale: null,
      },
    },
    {
      name: 'send to an existing user, user_id null',
      path: '/v1/magic_links/email/send',
      body: { email: 'host-fixture@example.com', user_id: null, session_token: null },
    },
    {
      name: 'invite with a null URL',
      path: '/v1/magic_links/email/invite',
      body: { email: email(), invite_magic_link_url: null },
    },
    { name: 'embeddable link', path: '/v1/magic_links', body: (t: Target) => ({ user_id: t.userId, extra: 1 }) },
    { name: 'get the user', method: 'GET', path: (t) => `/v1/users/${t.userId}` },
    { name: 'list sessions', method: 'GET', path: (t) => `/v1/sessions?user_id=${t.userId}&extra=1` },
    // Invalid input: each gets the module's own Stytch error, never the host's.
    { name: 'bad email', path: '/v1/users', body: { email: 'not-an-email' } },
    { name: 'null email', path: '/v1/users', body: { email: null } },
    { name: 'phone_number', path: '/v1/users', body: { email: email(), phone_number: '+15555550100' } },
    { name: 'string roles', path: '/v1/users', body: { email: email(), roles: 'admin' } },
    { name: 'string name', path: '/v1/users', body: { email: email(), name: 'Ada' } },
    { name: 'array body', path: '/v1/users', body: [{ email: email() }] },
    { name: 'string body', path: '/v1/users', body: '"text"' },
    {
      name: 'nesting one level too deep',
      path: '/v1/users',
      body: `{"email":"${email()}","trusted_metadata":{"a":${deep(MAX_JSON_DEPTH - 1)}}}`,
    },
    { name: '30,000 levels of nesting', path: '/v1/users', body: `{"trusted_metadata":{"a":${deep(30_000)}}}` },
    {
      name: 'string expiration_minutes',
      path: '/v1/magic_links',
      body: (t: Target) => ({ user_id: t.userId, expiration_minutes: '60' }),
    },
    { name: 'null user_id', path: '/v1/magic_links', body: { user_id: null } },
    { name: 'null token', path: '/v1/magic_links/authenticate', body: { token: null } },
    {
      name: 'string session_duration_minutes',
      path: '/v1/magic_links/authenticate',
      body: { token: 'x'.repeat(44), session_duration_minutes: '60' },
    },
    { name: 'unknown token', path: '/v1/magic_links/authenticate', body: { token: 'x'.repeat(44), options: null } },
    { name: 'bad locale', path: '/v1/magic_links/email/login_or_create', body: { email: email(), locale: 'de' } },
    { name: 'no session arguments', path: '/v1/sessions/authenticate', body: { session_token: null } },
    { name: 'missing user_id query', method: 'GET', path: '/v1/sessions' },
    { name: 'repeated user_id query', method: 'GET', path: '/v1/sessions?user_id=a&user_id=b' },
    { name: 'bad events query', method: 'GET', path: '/v1/magic_links/events?email_id=nope' },
    { name: 'unknown user', method: 'DELETE', path: '/v1/users/user-test-00000000-0000-4000-8000-000000000000' },
    { name: 'not JSON', path: '/v1/users', body: 'email=a@b.co', headers: { 'content-type': 'text/plain' } },
    { name: 'wrong credentials', path: '/v1/users', body: {}, headers: { authorization: 'Basic d3Jvbmc6d3Jvbmc=' } },
  ];

  async function exchange(target: Target, step: Case): Promise<Exchange> {
    const method = step.method ?? 'POST';
    const body = typeof step.body === 'function' ? (step.body as (t: Target) => unknown)(target) : step.body;
    const path = typeof step.path === 'function' ? step.path(target) : step.path;
    const response = await fetch(target.url + path, {
      method,
      headers: {
        authorization: GATEWAY_AUTH,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...step.headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      name: step.name,
      status: response.status,
      contentType: response.headers.get('content-type'),
      // The request_id differs per request; ids, tokens and times differ per target. Everything else must be identical.
      body: (await response.text())
        .replace(/"request_id":"request-id-test-[0-9a-f-]{36}",?/, '')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, '<time>')
        .replace(/"token":"[A-Za-z0-9_-]{44}"/g, '"token":"<token>"'),
    };
  }

  async function run(url: string): Promise<Exchange[]> {
    const fixture = await fetch(`${url}/v1/users`, {
      method: 'POST',
      headers: { authorization: GATEWAY_AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'host-fixture@example.com' }),
    });
    expect(fixture.status).toBe(200);
    const target: Target = { url, userId: ((await fixture.json()) as { user_id: string }).user_id };
    const answers: Exchange[] = [];
    for (const step of CASES) answers.push(await exchange(target, step));
    return answers;
  }

  it('answers byte for byte as the gateway does, for valid and invalid input', async () => {
    const fromGateway = await run(gateway.url);
    const usual = { whitelist: true, forbidNonWhitelisted: true, transform: true };
    // These must not change a single answer of the module, nor must a pipe that also validates custom parameters.
    for (const pipe of [new ValidationPipe(usual), new ValidationPipe({ ...usual, validateCustomDecorators: true })]) {
      expect(await run(await startHost(pipe))).toEqual(fromGateway);
    }
    // The cases did reach what they test: successes where nulls and unknown fields are ignored, Stytch errors else.
    const statuses = Object.fromEntries(fromGateway.map(({ name, status }) => [name, status]));
    expect(statuses).toMatchObject({
      'create with null optional fields': 200,
      'login_or_create with null URLs and expirations': 200,
      'send to an existing user, user_id null': 200,
      'bad email': 400,
      'string expiration_minutes': 400,
      '30,000 levels of nesting': 400,
    });
    const errorTypes = Object.fromEntries(
      fromGateway.filter(({ status }) => status >= 400).map(({ name, body }) => [name, JSON.parse(body).error_type]),
    );
    expect(errorTypes).toMatchObject({
      'bad email': 'invalid_email',
      'null email': 'invalid_email',
      'string expiration_minutes': 'invalid_expiration',
      'string session_duration_minutes': 'invalid_session_duration_minutes',
      'null token': 'invalid_token',
      'nesting one level too deep': 'bad_request',
      'not JSON': 'unsupported_media_type',
      'wrong credentials': 'unauthorized_credentials',
    });
  });
});
