import type { JsonWebKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { EmailRateLimits } from '../email/email-rate-limits.js';
import {
  DEFAULT_EVENT_LIMITS,
  DEFAULT_FRAUD,
  DEFAULT_RETENTION,
  REDIRECT_MODES,
  type EmailTemplate,
  type MagicLinksModuleOptions,
  type RateLimit,
  type RedirectUrlType,
} from '../options/magic-links.options.js';

/** The fixed development pair used when no credentials are configured; refused when NODE_ENV=production. */
export const DEVELOPMENT_PROJECT_ID = 'project-test-00000000-0000-4000-8000-000000000000';
export const DEVELOPMENT_SECRET = 'secret-test-development-only-never-use-in-production';

/** pino's levels; `silent` turns logging off. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface GatewayConfig {
  port: number;
  host: string;
  magicLinks: MagicLinksModuleOptions;
  /** True when the development pair is in use: run-gateway.ts prints it with a warning. */
  developmentCredentials: boolean;
  databaseUrl: string;
  runMigrations: boolean;
  redisUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  trustProxy: boolean | string;
  http: HttpLimits;
  rateLimits: { perIp: RateLimit; perProject: RateLimit; email: EmailRateLimits };
  logLevel: string;
  /** `pretty` (pino-pretty, for people at a terminal) or `json` (one object a line, for log collectors). */
  logFormat: LogFormat;
  /** The certificate and key the gateway serves HTTPS with (`TLS_CERT_FILE`, `TLS_KEY_FILE`); plain HTTP without. */
  tls: { cert: Buffer; key: Buffer } | undefined;
  /** Where Prometheus scrapes `/metrics`: a port of its own, and/or the API port with `METRICS_TOKEN`. */
  metrics: MetricsEndpoints;
}

export interface MetricsEndpoints {
  /** `METRICS_PORT`: `/metrics` without credentials on this port (unset: none). */
  port: number | undefined;
  /** `METRICS_HOST`: the address that port listens on (default: `HOST`). */
  host: string;
  /** `METRICS_TOKEN` is set: `/metrics` on the API port, for `Authorization: Bearer <token>`. */
  onApiPort: boolean;
}

/** Bounds on what one client can hold of the server: slow or idle connections, and sockets per address. */
export interface HttpLimits {
  /** A request's headers must all arrive within this time from its first byte (or from connecting). */
  headersTimeoutMs: number;
  /** A whole request, headers and body, must arrive within this time. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this time. */
  keepAliveTimeoutMs: number;
  /** Open sockets one client address may hold; more are closed at once. */
  maxConnectionsPerIp: number;
}

/**
 * Reads the environment contract of docs/configuration.md; a bad value fails with how to fix it. `stdoutIsTTY`
 * chooses the default log format: a person at a terminal reads pretty lines, anything else gets JSON.
 */
export function loadGatewayConfig(env: NodeJS.ProcessEnv, stdoutIsTTY = false): GatewayConfig {
  const production = env.NODE_ENV === 'production';
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const projectId = env.MAGIC_LINKS_PROJECT_ID;
  if (env.MAGIC_LINKS_SECRETS !== undefined && env.MAGIC_LINKS_SECRET !== undefined) {
    throw new Error('Set MAGIC_LINKS_SECRETS or MAGIC_LINKS_SECRET, not both: both take a comma-separated list.');
  }
  // During a rotation, several secrets, comma-separated, the newest first (docs/operations.md).
  const secret = env.MAGIC_LINKS_SECRETS ?? env.MAGIC_LINKS_SECRET;
  if ((projectId === undefined) !== (secret === undefined)) {
    throw new Error('Set both MAGIC_LINKS_PROJECT_ID and MAGIC_LINKS_SECRET, or neither (development only).');
  }
  // The development pair is published in this repository, so production refuses it even when set explicitly.
  if (production && (projectId ?? DEVELOPMENT_PROJECT_ID) === DEVELOPMENT_PROJECT_ID) {
    throw new Error(
      'NODE_ENV=production refuses the development credentials: set MAGIC_LINKS_PROJECT_ID and MAGIC_LINKS_SECRET.',
    );
  }
  if (production && list(secret)?.includes(DEVELOPMENT_SECRET)) {
    throw new Error(
      'NODE_ENV=production refuses the development secret: set MAGIC_LINKS_SECRET to a secret of your own.',
    );
  }
  const smtpUrl = env.SMTP_URL || undefined;
  if (production && !smtpUrl) {
    throw new Error(
      'NODE_ENV=production needs SMTP_URL to deliver magic links (without it mail only goes to a local outbox folder): ' +
        'set SMTP_URL=smtp://user:password@smtp.example.com:587 (or smtps://…:465) and MAIL_FROM="Your app <no-reply@example.com>".',
    );
  }
  const tls = tlsFiles(env);
  // On the gateway's own port, so the newcomer's "Continue" reaches a server that answers (docs/email.md).
  const defaultRedirect = `http://localhost:${port}/authenticate`;
  const redirectUrls = {} as Record<RedirectUrlType, string[]>;
  for (const type of ['login', 'signup', 'invite'] as const) {
    redirectUrls[type] = list(env[`MAGIC_LINKS_${type.toUpperCase()}_REDIRECT_URLS`]) ?? [defaultRedirect];
  }
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    magicLinks: {
      projectId: projectId ?? DEVELOPMENT_PROJECT_ID,
      secret: keyring(secret) ?? DEVELOPMENT_SECRET,
      environment: oneOf(env, 'MAGIC_LINKS_ENVIRONMENT', ['test', 'live'] as const),
      tokenHashKey: keyring(env.MAGIC_LINKS_TOKEN_HASH_KEY),
      publicToken: env.MAGIC_LINKS_PUBLIC_TOKEN,
      publicUrl: env.MAGIC_LINKS_PUBLIC_URL ?? `${tls ? 'https' : 'http'}://localhost:${port}`,
      redirectUrls,
      sessionKeyEncryptionKey: keyring(env.MAGIC_LINKS_SESSION_KEY_ENCRYPTION_KEY),
      sessionSigningKeys: signingKeys(env.MAGIC_LINKS_SESSION_SIGNING_KEYS),
      sessionKeyRotationDays: env.MAGIC_LINKS_SESSION_KEY_ROTATION_DAYS
        ? integer(env, 'MAGIC_LINKS_SESSION_KEY_ROTATION_DAYS', 0, 1, 3650)
        : undefined,
      sessionKeyCacheMs: env.MAGIC_LINKS_SESSION_KEY_CACHE_MS
        ? integer(env, 'MAGIC_LINKS_SESSION_KEY_CACHE_MS', 0, 1, 600_000)
        : undefined,
      email: {
        smtpUrl,
        from: env.MAIL_FROM || undefined,
        outboxDir: env.MAIL_OUTBOX_DIR || undefined,
        appName: env.MAGIC_LINKS_APP_NAME || undefined,
        templates: templatesFrom(env.MAGIC_LINKS_TEMPLATES_DIR),
        retry: {
          attempts: integer(env, 'MAIL_RETRY_ATTEMPTS', 10, 1, 100),
          baseDelayMs: integer(env, 'MAIL_RETRY_BASE_DELAY_MS', 2000, 1, 86_400_000),
          maxDelayMs: integer(env, 'MAIL_RETRY_MAX_DELAY_MS', 300_000, 1, 86_400_000),
        },
        sendTimeoutMs: integer(env, 'MAIL_SEND_TIMEOUT_MS', 60_000, 100, 3_600_000),
        sweepIntervalMs: integer(env, 'MAIL_SWEEP_INTERVAL_MS', 30_000, 100, 3_600_000),
        concurrency: integer(env, 'MAIL_CONCURRENCY', 5, 1, 100),
        batchSize: integer(env, 'MAIL_BATCH_SIZE', 20, 1, 500),
      },
      redirectMode: oneOf(env, 'MAGIC_LINKS_REDIRECT_MODE', REDIRECT_MODES),
      eventLimits: {
        perLinkAndType: integer(env, 'MAGIC_LINK_EVENTS_PER_LINK', DEFAULT_EVENT_LIMITS.perLinkAndType, 1, 10_000),
        perIp: rateLimit(env, 'MAGIC_LINK_EVENTS_PER_IP', DEFAULT_EVENT_LIMITS.perIp),
      },
      metrics: {
        bearerToken: env.METRICS_TOKEN || undefined,
        mailDomains: list(env.METRICS_MAIL_DOMAINS)?.map((domain) => domain.toLowerCase()),
      },
      retention: {
        intervalMs: integer(env, 'RETENTION_INTERVAL_MS', DEFAULT_RETENTION.intervalMs, 0, 86_400_000),
        eventDays: retentionDays(env, 'RETENTION_EVENT_DAYS', DEFAULT_RETENTION.eventDays),
        linkDays: retentionDays(env, 'RETENTION_LINK_DAYS', DEFAULT_RETENTION.linkDays),
        sessionDays: retentionDays(env, 'RETENTION_SESSION_DAYS', DEFAULT_RETENTION.sessionDays),
        deliveryDays: retentionDays(env, 'RETENTION_DELIVERY_DAYS', DEFAULT_RETENTION.deliveryDays),
        batchSize: integer(env, 'RETENTION_BATCH_SIZE', DEFAULT_RETENTION.batchSize, 1, 10_000),
        telemetryDays: retentionDays(env, 'RETENTION_TELEMETRY_DAYS', DEFAULT_RETENTION.telemetryDays),
      },
      fraud: {
        telemetryTtlSeconds: integer(env, 'FRAUD_TELEMETRY_TTL_SECONDS', DEFAULT_FRAUD.telemetryTtlSeconds, 1, 86_400),
        requireAllowVerdict: oneOf(env, 'FRAUD_REQUIRE_ALLOW_VERDICT', ['true', 'false'] as const) === 'true',
        maxUsersPerDevice: integer(env, 'FRAUD_MAX_USERS_PER_DEVICE', DEFAULT_FRAUD.maxUsersPerDevice, 1, 1_000_000),
        velocity: rateLimit(env, 'FRAUD_VELOCITY', DEFAULT_FRAUD.velocity),
        countryHeader: env.FRAUD_COUNTRY_HEADER || undefined,
      },
      sdk: {
        authorizedOrigins: list(env.MAGIC_LINKS_SDK_AUTHORIZED_ORIGINS),
        pkceRequired: boolean(env, 'MAGIC_LINKS_SDK_PKCE_REQUIRED'),
      },
    },
    developmentCredentials: projectId === undefined,
    databaseUrl: env.DATABASE_URL ?? 'sqlite:./data/magic-links.sqlite',
    runMigrations: env.DATABASE_RUN_MIGRATIONS !== 'false',
    redisUrl: env.REDIS_URL || undefined,
    smtpUrl,
    mailFrom: env.MAIL_FROM ?? 'no-reply@localhost',
    trustProxy: trustProxy(env.TRUST_PROXY),
    http: httpLimits(env),
    rateLimits: {
      perIp: rateLimit(env, 'RATE_LIMIT_PER_IP', { limit: 1200, ttlSeconds: 60 }),
      perProject: rateLimit(env, 'RATE_LIMIT_PER_PROJECT', { limit: 6000, ttlSeconds: 60 }),
      email: {
        perEmail: rateLimit(env, 'RATE_LIMIT_PER_EMAIL', { limit: 1, ttlSeconds: 1 }),
        perEmailLong: rateLimit(env, 'RATE_LIMIT_PER_EMAIL_HOURLY', { limit: 30, ttlSeconds: 3600 }),
        perIp: rateLimit(env, 'RATE_LIMIT_EMAIL_PER_IP', { limit: 100, ttlSeconds: 60 }),
      },
    },
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS) ?? 'info',
    logFormat: logFormat(env, stdoutIsTTY && !production),
    tls,
    metrics: {
      port: env.METRICS_PORT ? integer(env, 'METRICS_PORT', 0, 1, 65535) : undefined,
      host: env.METRICS_HOST || (env.HOST ?? '0.0.0.0'),
      onApiPort: Boolean(env.METRICS_TOKEN),
    },
  };
}

/** `TLS_CERT_FILE` and `TLS_KEY_FILE`: PEM files, both or neither, read once at start. */
function tlsFiles(env: NodeJS.ProcessEnv): GatewayConfig['tls'] {
  const certFile = env.TLS_CERT_FILE || undefined;
  const keyFile = env.TLS_KEY_FILE || undefined;
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw new Error('Set both TLS_CERT_FILE and TLS_KEY_FILE (PEM files) to serve HTTPS, or neither to serve HTTP.');
  }
  const read = (name: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new Error(`${name}="${file}" cannot be read: ${(error as Error).message}`);
    }
  };
  return { cert: read('TLS_CERT_FILE', certFile), key: read('TLS_KEY_FILE', keyFile) };
}

function boolean(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw !== 'true' && raw !== 'false') throw new Error(`${name}="${raw}" must be true or false.`);
  return raw === 'true';
}

/**
 * `LOG_FORMAT`; by default pretty at a terminal outside production. pino-pretty is a devDependency, so an install
 * without it (`npm ci --omit=dev`) logs JSON unless pretty is asked for explicitly.
 */
function logFormat(env: NodeJS.ProcessEnv, terminal: boolean): LogFormat {
  const requested = oneOf(env, 'LOG_FORMAT', LOG_FORMATS);
  if (requested === 'json' || (requested === undefined && !terminal)) return 'json';
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return 'pretty';
  } catch {
    if (requested === undefined) return 'json';
    throw new Error(
      'LOG_FORMAT=pretty needs the pino-pretty package: npm install pino-pretty, or set LOG_FORMAT=json.',
    );
  }
}

/**
 * `MAGIC_LINKS_TEMPLATES_DIR`: one folder per template, named by its id, holding `subject.hbs`, `html.hbs` and
 * `text.hbs` (Handlebars).
 */
function templatesFrom(dir: string | undefined): Record<string, EmailTemplate> | undefined {
  if (!dir) return undefined;
  if (!existsSync(dir)) throw new Error(`MAGIC_LINKS_TEMPLATES_DIR="${dir}" does not exist.`);
  const templates: Record<string, EmailTemplate> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const read = (part: string) => {
      const file = join(dir, entry.name, `${part}.hbs`);
      if (!existsSync(file)) {
        throw new Error(
          `MAGIC_LINKS_TEMPLATES_DIR: template "${entry.name}" lacks ${part}.hbs (it needs subject.hbs, html.hbs and text.hbs).`,
        );
      }
      return readFileSync(file, 'utf8');
    };
    templates[entry.name] = { subject: read('subject'), html: read('html'), text: read('text') };
  }
  return templates;
}

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

/** A secret or key variable: one value, or during a rotation a comma-separated list, the newest first. */
function keyring(value: string | undefined): string | string[] | undefined {
  const values = list(value);
  return values?.length === 1 ? values[0] : values;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}="${raw}" must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

/** A retention age: a whole number of days, or `off` to keep those rows for good. */
function retentionDays(env: NodeJS.ProcessEnv, name: string, fallback: number | false): number | false {
  if (env[name] === 'off') return false;
  if (env[name] === undefined || env[name] === '') return fallback;
  if (!/^\d+$/.test(env[name])) throw new Error(`${name}="${env[name]}" must be a whole number of days, or "off".`);
  return integer(env, name, 0, 1, 36_500);
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[]): T | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!values.includes(raw as T)) throw new Error(`${name}="${raw}" must be one of: ${values.join(', ')}.`);
  return raw as T;
}

function httpLimits(env: NodeJS.ProcessEnv): HttpLimits {
  const limits: HttpLimits = {
    headersTimeoutMs: integer(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    requestTimeoutMs: integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
    // Longer than the 60 s idle timeout of common load balancers, so the balancer, not the gateway, closes first.
    keepAliveTimeoutMs: integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 100, 600_000),
    maxConnectionsPerIp: integer(env, 'HTTP_MAX_CONNECTIONS_PER_IP', 256, 1, 1_000_000),
  };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new Error(
      `HTTP_HEADERS_TIMEOUT_MS=${limits.headersTimeoutMs} must not exceed HTTP_REQUEST_TIMEOUT_MS=${limits.requestTimeoutMs}: the headers are part of the request.`,
    );
  }
  return limits;
}

/** `RATE_LIMIT_PER_IP=100/60` means 100 requests per 60 seconds. */
function rateLimit(env: NodeJS.ProcessEnv, name: string, fallback: RateLimit): RateLimit {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const match = /^(\d+)\/(\d+)$/.exec(raw.trim());
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
    throw new Error(`${name}="${raw}" must be "<requests>/<seconds>", for example "100/60".`);
  }
  return { limit: Number(match[1]), ttlSeconds: Number(match[2]) };
}

/**
 * `MAGIC_LINKS_SESSION_SIGNING_KEYS`: a JWK Set (`{"keys":[…]}`), one private JWK, or PEM private keys one after
 * the other (`\n` escapes allowed, for env files that cannot hold newlines). The first key signs.
 */
function signingKeys(raw: string | undefined): (string | JsonWebKey)[] | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  const problem = 'MAGIC_LINKS_SESSION_SIGNING_KEYS must be a JWK Set, a private JWK, or PEM private keys.';
  if (value.startsWith('{')) {
    let parsed: { keys?: unknown };
    try {
      parsed = JSON.parse(value) as { keys?: unknown };
    } catch {
      throw new Error(`${problem} It starts with "{" but is not valid JSON.`);
    }
    return Array.isArray(parsed.keys) ? (parsed.keys as JsonWebKey[]) : [parsed as JsonWebKey];
  }
  const pems = value
    .replace(/\\n/g, '\n')
    .match(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/g);
  if (!pems) throw new Error(`${problem} No "-----BEGIN PRIVATE KEY-----" block was found.`);
  return pems;
}

/** Fastify's trustProxy: `true` (trust every hop) or a comma-separated list of trusted addresses/CIDRs. */
function trustProxy(raw: string | undefined): boolean | string {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  return raw === 'true' ? true : raw;
}
