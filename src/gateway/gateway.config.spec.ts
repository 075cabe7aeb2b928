import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVELOPMENT_PROJECT_ID, DEVELOPMENT_SECRET, loadGatewayConfig } from './gateway.config.js';

const CREDENTIALS = {
  MAGIC_LINKS_PROJECT_ID: 'project-live-44444444-4444-4444-8444-444444444444',
  MAGIC_LINKS_SECRET: 'secret-live-a-secret-of-our-own',
};

describe('loadGatewayConfig', () => {
  it('runs on embedded defaults with nothing configured', () => {
    expect(loadGatewayConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      magicLinks: {
        projectId: DEVELOPMENT_PROJECT_ID,
        secret: DEVELOPMENT_SECRET,
        environment: undefined,
        tokenHashKey: undefined,
        publicToken: undefined,
        publicUrl: 'http://localhost:3000',
        redirectUrls: {
          login: ['http://localhost:3000/authenticate'],
          signup: ['http://localhost:3000/authenticate'],
          invite: ['http://localhost:3000/authenticate'],
        },
        email: {
          smtpUrl: undefined,
          from: undefined,
          outboxDir: undefined,
          appName: undefined,
          templates: undefined,
          retry: { attempts: 10, baseDelayMs: 2000, maxDelayMs: 300_000 },
          sendTimeoutMs: 60_000,
          sweepIntervalMs: 30_000,
          concurrency: 5,
          batchSize: 20,
        },
        eventLimits: { perLinkAndType: 20, perIp: { limit: 300, ttlSeconds: 600 } },
        retention: {
          intervalMs: 600_000,
          eventDays: 30,
          linkDays: 30,
          sessionDays: 30,
          deliveryDays: 30,
          batchSize: 500,
          telemetryDays: 7,
        },
        fraud: {
          telemetryTtlSeconds: 3600,
          requireAllowVerdict: false,
          maxUsersPerDevice: 5,
          velocity: { limit: 30, ttlSeconds: 600 },
          countryHeader: undefined,
        },
        sdk: { authorizedOrigins: undefined, pkceRequired: undefined },
        metrics: { bearerToken: undefined, mailDomains: undefined },
      },
      developmentCredentials: true,
      databaseUrl: 'sqlite:./data/magic-links.sqlite',
      runMigrations: true,
      redisUrl: undefined,
      smtpUrl: undefined,
      mailFrom: 'no-reply@localhost',
      trustProxy: false,
      http: {
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 30_000,
        keepAliveTimeoutMs: 72_000,
        maxConnectionsPerIp: 256,
      },
      rateLimits: {
        perIp: { limit: 1200, ttlSeconds: 60 },
        perProject: { limit: 6000, ttlSeconds: 60 },
        email: {
          perEmail: { limit: 1, ttlSeconds: 1 },
          perEmailLong: { limit: 30, ttlSeconds: 3600 },
          perIp: { limit: 100, ttlSeconds: 60 },
        },
      },
      logLevel: 'info',
      logFormat: 'json',
      tls: undefined,
      metrics: { port: undefined, host: '0.0.0.0', onApiPort: false },
    });
  });

  it('reads the frontend SDK settings', () => {
    expect(
      loadGatewayConfig({
        MAGIC_LINKS_SDK_AUTHORIZED_ORIGINS: 'https://app.example.com, http://localhost:5173',
        MAGIC_LINKS_SDK_PKCE_REQUIRED: 'false',
      }).magicLinks.sdk,
    ).toEqual({ authorizedOrigins: ['https://app.example.com', 'http://localhost:5173'], pkceRequired: false });
    expect(() => loadGatewayConfig({ MAGIC_LINKS_SDK_PKCE_REQUIRED: 'no' })).toThrow(
      'MAGIC_LINKS_SDK_PKCE_REQUIRED="no" must be true or false.',
    );
  });

  it('serves HTTPS from TLS_CERT_FILE and TLS_KEY_FILE, both or neither, with an https public URL by default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-tls-'));
    try {
      writeFileSync(join(dir, 'cert.pem'), 'CERT');
      writeFileSync(join(dir, 'key.pem'), 'KEY');
      const config = loadGatewayConfig({
        PORT: '8443',
        TLS_CERT_FILE: join(dir, 'cert.pem'),
        TLS_KEY_FILE: join(dir, 'key.pem'),
      });
      expect(config.tls).toEqual({ cert: Buffer.from('CERT'), key: Buffer.from('KEY') });
      expect(config.magicLinks.publicUrl).toBe('https://localhost:8443');
      expect(() => loadGatewayConfig({ TLS_CERT_FILE: join(dir, 'cert.pem') })).toThrow(
        'Set both TLS_CERT_FILE and TLS_KEY_FILE',
      );
      expect(() =>
        loadGatewayConfig({ TLS_CERT_FILE: join(dir, 'missing.pem'), TLS_KEY_FILE: join(dir, 'key.pem') }),
      ).toThrow(`TLS_CERT_FILE="${join(dir, 'missing.pem')}" cannot be read`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs pretty lines to a terminal outside production, JSON otherwise or when asked', () => {
    expect(loadGatewayConfig({}, true).logFormat).toBe('pretty');
    expect(loadGatewayConfig({}, false).logFormat).toBe('json');
    expect(loadGatewayConfig({ LOG_FORMAT: 'json' }, true).logFormat).toBe('json');
    expect(loadGatewayConfig({ LOG_FORMAT: 'pretty' }, false).logFormat).toBe('pretty');
    const production = { NODE_ENV: 'production', SMTP_URL: 'smtp://mail.internal:587', ...CREDENTIALS };
    expect(loadGatewayConfig(production, true).logFormat).toBe('json');
    expect(() => loadGatewayConfig({ LOG_FORMAT: 'yaml' })).toThrow('LOG_FORMAT="yaml" must be one of: json, pretty.');
  });

  it('points the default redirect URLs and the public URL at PORT', () => {
    const { magicLinks } = loadGatewayConfig({ PORT: '4100' });
    expect(magicLinks.publicUrl).toBe('http://localhost:4100');
    expect(magicLinks.redirectUrls).toEqual({
      login: ['http://localhost:4100/authenticate'],
      signup: ['http://localhost:4100/authenticate'],
      invite: ['http://localhost:4100/authenticate'],
    });
  });

  it('reads the mail settings and a templates folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'templates-'));
    mkdirSync(join(dir, 'welcome'));
    for (const part of ['subject', 'html', 'text'])
      writeFileSync(join(dir, 'welcome', `${part}.hbs`), `${part} {{link}}`);
    const config = loadGatewayConfig({
      SMTP_URL: 'smtp://mailer:pw@smtp.internal:587',
      MAIL_FROM: 'Acme <no-reply@acme.example>',
      MAGIC_LINKS_TEMPLATES_DIR: dir,
      MAIL_RETRY_ATTEMPTS: '4',
      MAIL_SEND_TIMEOUT_MS: '5000',
      MAIL_BATCH_SIZE: '1',
      RATE_LIMIT_PER_EMAIL: '2/1',
    });
    expect(config.magicLinks.email).toMatchObject({
      smtpUrl: 'smtp://mailer:pw@smtp.internal:587',
      from: 'Acme <no-reply@acme.example>',
      templates: { welcome: { subject: 'subject {{link}}', html: 'html {{link}}', text: 'text {{link}}' } },
      retry: { attempts: 4 },
      sendTimeoutMs: 5000,
      batchSize: 1,
    });
    expect(() => loadGatewayConfig({ MAIL_BATCH_SIZE: '0' })).toThrow('MAIL_BATCH_SIZE');
    expect(config.rateLimits.email.perEmail).toEqual({ limit: 2, ttlSeconds: 1 });
    rmSync(join(dir, 'welcome', 'text.hbs'));
    expect(() => loadGatewayConfig({ MAGIC_LINKS_TEMPLATES_DIR: dir })).toThrow('template "welcome" lacks text.hbs');
  });

  it('reads every variable of the contract', () => {
    const config = loadGatewayConfig({
      ...CREDENTIALS,
      PORT: '8080',
      HOST: '127.0.0.1',
      MAGIC_LINKS_ENVIRONMENT: 'live',
      MAGIC_LINKS_TOKEN_HASH_KEY: 'k'.repeat(32),
      MAGIC_LINKS_PUBLIC_TOKEN: 'public-token-live-55555555-5555-4555-8555-555555555555',
      MAGIC_LINKS_PUBLIC_URL: 'https://auth.example.com',
      MAGIC_LINKS_LOGIN_REDIRECT_URLS: ' https://app.example.com/login , https://app.example.com/alt ,',
      MAGIC_LINKS_SIGNUP_REDIRECT_URLS: 'https://app.example.com/signup',
      DATABASE_URL: 'postgres://magic@db.internal/magic',
      DATABASE_RUN_MIGRATIONS: 'false',
      REDIS_URL: 'redis://cache.internal:6379',
      SMTP_URL: 'smtp://mail.internal:587',
      MAIL_FROM: 'login@example.com',
      TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
      RATE_LIMIT_PER_IP: '100/60',
      RATE_LIMIT_PER_PROJECT: '1000/3600',
      HTTP_HEADERS_TIMEOUT_MS: '5000',
      HTTP_REQUEST_TIMEOUT_MS: '15000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
      HTTP_MAX_CONNECTIONS_PER_IP: '64',
      LOG_LEVEL: 'warn',
      MAGIC_LINKS_REDIRECT_MODE: 'auto',
      MAGIC_LINKS_SESSION_KEY_CACHE_MS: '5000',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      magicLinks: {
        ...{ projectId: CREDENTIALS.MAGIC_LINKS_PROJECT_ID, secret: CREDENTIALS.MAGIC_LINKS_SECRET },
        environment: 'live',
        tokenHashKey: 'k'.repeat(32),
        publicToken: 'public-token-live-55555555-5555-4555-8555-555555555555',
        publicUrl: 'https://auth.example.com',
        redirectUrls: {
          login: ['https://app.example.com/login', 'https://app.example.com/alt'],
          signup: ['https://app.example.com/signup'],
          invite: ['http://localhost:8080/authenticate'],
        },
        redirectMode: 'auto',
        sessionKeyCacheMs: 5000,
      },
      developmentCredentials: false,
      databaseUrl: 'postgres://magic@db.internal/magic',
      runMigrations: false,
      redisUrl: 'redis://cache.internal:6379',
      smtpUrl: 'smtp://mail.internal:587',
      mailFrom: 'login@example.com',
      trustProxy: '10.0.0.0/8,127.0.0.1',
      http: { headersTimeoutMs: 5000, requestTimeoutMs: 15_000, keepAliveTimeoutMs: 65_000, maxConnectionsPerIp: 64 },
      rateLimits: { perIp: { limit: 100, ttlSeconds: 60 }, perProject: { limit: 1000, ttlSeconds: 3600 } },
      logLevel: 'warn',
    });
  });

  it('reads the event caps and the retention settings; "off" keeps rows, interval 0 stops the cleanup', () => {
    const config = loadGatewayConfig({
      MAGIC_LINK_EVENTS_PER_LINK: '5',
      MAGIC_LINK_EVENTS_PER_IP: '50/60',
      RETENTION_INTERVAL_MS: '0',
      RETENTION_EVENT_DAYS: '7',
      RETENTION_LINK_DAYS: 'off',
      RETENTION_SESSION_DAYS: '90',
      RETENTION_DELIVERY_DAYS: '1',
      RETENTION_BATCH_SIZE: '100',
    });
    expect(config.magicLinks.eventLimits).toEqual({ perLinkAndType: 5, perIp: { limit: 50, ttlSeconds: 60 } });
    expect(config.magicLinks.retention).toEqual({
      intervalMs: 0,
      eventDays: 7,
      linkDays: false,
      sessionDays: 90,
      deliveryDays: 1,
      batchSize: 100,
      telemetryDays: 7,
    });
    expect(() => loadGatewayConfig({ RETENTION_EVENT_DAYS: 'never' })).toThrow(
      'RETENTION_EVENT_DAYS="never" must be a whole number of days, or "off".',
    );
    expect(() => loadGatewayConfig({ RETENTION_SESSION_DAYS: '0' })).toThrow(
      'RETENTION_SESSION_DAYS="0" must be a whole number from 1 to 36500.',
    );
    expect(() => loadGatewayConfig({ MAGIC_LINK_EVENTS_PER_IP: '300' })).toThrow(
      'MAGIC_LINK_EVENTS_PER_IP="300" must be "<requests>/<seconds>", for example "100/60".',
    );
  });

  it('reads the device fingerprinting settings', () => {
    const config = loadGatewayConfig({
      FRAUD_REQUIRE_ALLOW_VERDICT: 'true',
      FRAUD_TELEMETRY_TTL_SECONDS: '60',
      FRAUD_MAX_USERS_PER_DEVICE: '2',
      FRAUD_VELOCITY: '5/60',
      FRAUD_COUNTRY_HEADER: 'cf-ipcountry',
      RETENTION_TELEMETRY_DAYS: 'off',
    });
    expect(config.magicLinks.fraud).toEqual({
      telemetryTtlSeconds: 60,
      requireAllowVerdict: true,
      maxUsersPerDevice: 2,
      velocity: { limit: 5, ttlSeconds: 60 },
      countryHeader: 'cf-ipcountry',
    });
    expect(config.magicLinks.retention?.telemetryDays).toBe(false);
    expect(() => loadGatewayConfig({ FRAUD_REQUIRE_ALLOW_VERDICT: 'yes' })).toThrow(
      'FRAUD_REQUIRE_ALLOW_VERDICT="yes" must be one of: true, false.',
    );
  });

  it('builds the default public URL from PORT', () => {
    expect(loadGatewayConfig({ PORT: '4000' }).magicLinks.publicUrl).toBe('http://localhost:4000');
  });

  it.each<[string | undefined, boolean | string]>([
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
    ['127.0.0.1', '127.0.0.1'],
  ])('reads TRUST_PROXY=%p as %p', (value, expected) => {
    expect(loadGatewayConfig({ TRUST_PROXY: value }).trustProxy).toBe(expected);
  });

  it('refuses a headers timeout longer than the request timeout, and a socket cap of 0', () => {
    expect(() => loadGatewayConfig({ HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(
      'HTTP_HEADERS_TIMEOUT_MS=40000 must not exceed HTTP_REQUEST_TIMEOUT_MS=30000',
    );
    expect(() => loadGatewayConfig({ HTTP_MAX_CONNECTIONS_PER_IP: '0' })).toThrow(
      'HTTP_MAX_CONNECTIONS_PER_IP="0" must be a whole number from 1 to 1000000.',
    );
  });

  it('serves metrics on METRICS_PORT (on HOST unless METRICS_HOST) and, with METRICS_TOKEN, on the API port', () => {
    expect(loadGatewayConfig({}).metrics).toEqual({ port: undefined, host: '0.0.0.0', onApiPort: false });
    expect(loadGatewayConfig({ HOST: '127.0.0.1', METRICS_PORT: '9464' }).metrics).toEqual({
      port: 9464,
      host: '127.0.0.1',
      onApiPort: false,
    });
    const config = loadGatewayConfig({
      METRICS_PORT: '9464',
      METRICS_HOST: '10.0.0.5',
      METRICS_TOKEN: 'a-token-for-prometheus-only',
      METRICS_MAIL_DOMAINS: 'Gmail.com, corp.example',
    });
    expect(config.metrics).toEqual({ port: 9464, host: '10.0.0.5', onApiPort: true });
    expect(config.magicLinks.metrics).toEqual({
      bearerToken: 'a-token-for-prometheus-only',
      mailDomains: ['gmail.com', 'corp.example'],
    });
    expect(() => loadGatewayConfig({ METRICS_PORT: '70000' })).toThrow(
      'METRICS_PORT="70000" must be a whole number from 1 to 65535.',
    );
  });

  it('treats empty REDIS_URL and SMTP_URL as unset', () => {
    expect(loadGatewayConfig({ REDIS_URL: '', SMTP_URL: '' })).toMatchObject({
      redisUrl: undefined,
      smtpUrl: undefined,
    });
  });

  it('reads several secrets and keys during a rotation, comma-separated, the newest first', () => {
    const [newer, older] = ['secret-live-the-newer-secret', 'secret-live-the-older-secret'];
    const keys = { MAGIC_LINKS_TOKEN_HASH_KEY: `${'n'.repeat(32)}, ${'o'.repeat(32)}` };
    const kek = { MAGIC_LINKS_SESSION_KEY_ENCRYPTION_KEY: `${'e'.repeat(32)},${'f'.repeat(32)}` };
    const plural = loadGatewayConfig({
      MAGIC_LINKS_PROJECT_ID: CREDENTIALS.MAGIC_LINKS_PROJECT_ID,
      MAGIC_LINKS_SECRETS: `${newer},${older}`,
      ...keys,
      ...kek,
    });
    expect(plural.magicLinks).toMatchObject({
      secret: [newer, older],
      tokenHashKey: ['n'.repeat(32), 'o'.repeat(32)],
      sessionKeyEncryptionKey: ['e'.repeat(32), 'f'.repeat(32)],
    });
    expect(plural.developmentCredentials).toBe(false);
    const singular = loadGatewayConfig({ ...CREDENTIALS, MAGIC_LINKS_SECRET: ` ${newer} , ${older} ` });
    expect(singular.magicLinks.secret).toEqual([newer, older]);
    expect(() =>
      loadGatewayConfig({ ...CREDENTIALS, MAGIC_LINKS_SECRETS: newer, NODE_ENV: 'production', SMTP_URL: 'smtp://a:1' }),
    ).toThrow('Set MAGIC_LINKS_SECRETS or MAGIC_LINKS_SECRET, not both');
    expect(() =>
      loadGatewayConfig({
        NODE_ENV: 'production',
        SMTP_URL: 'smtp://smtp.internal:587',
        MAGIC_LINKS_PROJECT_ID: CREDENTIALS.MAGIC_LINKS_PROJECT_ID,
        MAGIC_LINKS_SECRETS: `${newer},${DEVELOPMENT_SECRET}`,
      }),
    ).toThrow('refuses the development secret');
  });

  describe('with NODE_ENV=production', () => {
    it('refuses to start on the development credentials', () => {
      expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(
        'NODE_ENV=production refuses the development credentials: set MAGIC_LINKS_PROJECT_ID and MAGIC_LINKS_SECRET.',
      );
    });

    it('refuses them even when set explicitly', () => {
      expect(() =>
        loadGatewayConfig({
          NODE_ENV: 'production',
          MAGIC_LINKS_PROJECT_ID: DEVELOPMENT_PROJECT_ID,
          MAGIC_LINKS_SECRET: 'secret-test-some-other-secret',
        }),
      ).toThrow('refuses the development credentials');
      expect(() =>
        loadGatewayConfig({ NODE_ENV: 'production', ...CREDENTIALS, MAGIC_LINKS_SECRET: DEVELOPMENT_SECRET }),
      ).toThrow('refuses the development secret');
    });

    it('starts with credentials of its own', () => {
      expect(
        loadGatewayConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://smtp.internal:587', ...CREDENTIALS })
          .developmentCredentials,
      ).toBe(false);
    });

    it('refuses to start without SMTP_URL, saying how to set it', () => {
      expect(() => loadGatewayConfig({ NODE_ENV: 'production', ...CREDENTIALS })).toThrow(
        /NODE_ENV=production needs SMTP_URL .* set SMTP_URL=smtp:\/\//,
      );
    });
  });

  it.each<[string, NodeJS.ProcessEnv, string]>([
    [
      'only a project id',
      { MAGIC_LINKS_PROJECT_ID: CREDENTIALS.MAGIC_LINKS_PROJECT_ID },
      'Set both MAGIC_LINKS_PROJECT_ID and MAGIC_LINKS_SECRET, or neither',
    ],
    [
      'only a secret',
      { MAGIC_LINKS_SECRET: CREDENTIALS.MAGIC_LINKS_SECRET },
      'Set both MAGIC_LINKS_PROJECT_ID and MAGIC_LINKS_SECRET, or neither',
    ],
    ['a port out of range', { PORT: '70000' }, 'PORT="70000" must be a whole number from 0 to 65535.'],
    ['a port that is not a number', { PORT: 'http' }, 'PORT="http" must be a whole number from 0 to 65535.'],
    [
      'an unknown environment',
      { MAGIC_LINKS_ENVIRONMENT: 'prod' },
      'MAGIC_LINKS_ENVIRONMENT="prod" must be one of: test, live.',
    ],
    [
      'a rate limit without a window',
      { RATE_LIMIT_PER_IP: '100' },
      'RATE_LIMIT_PER_IP="100" must be "<requests>/<seconds>"',
    ],
    [
      'a zero rate limit',
      { RATE_LIMIT_PER_PROJECT: '0/60' },
      'RATE_LIMIT_PER_PROJECT="0/60" must be "<requests>/<seconds>"',
    ],
    [
      'an unknown log level',
      { LOG_LEVEL: 'verbose' },
      'LOG_LEVEL="verbose" must be one of: fatal, error, warn, info, debug, trace, silent.',
    ],
  ])('refuses %s, saying how to fix it', (_case, env, message) => {
    expect(() => loadGatewayConfig(env)).toThrow(message);
  });
});
