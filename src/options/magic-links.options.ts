import { createHash, createHmac, createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Registry } from 'prom-client';

export type MagicLinksEnvironment = 'test' | 'live';
export type RedirectUrlType = 'login' | 'signup' | 'invite';
/**
 * How the page behind an emailed link continues to the app: `click` only after a person's click on its button,
 * `auto` by itself when the browser shows no sign of automation (Stytch's style). See docs/redirect-routing.md.
 */
export type RedirectMode = 'click' | 'auto';
export const REDIRECT_MODES: readonly RedirectMode[] = ['click', 'auto'];
export const REDIRECT_URL_TYPES: readonly RedirectUrlType[] = ['login', 'signup', 'invite'];

export type EmailLocale = 'en' | 'es' | 'fr' | 'pt-br';
export const EMAIL_LOCALES: readonly EmailLocale[] = ['en', 'es', 'fr', 'pt-br'];

/** A custom email template: Handlebars sources. `html` escapes every value; `subject` and `text` are plain text. */
export interface EmailTemplate {
  subject: string;
  html: string;
  text: string;
}

/** Back-off between delivery attempts: `baseDelayMs × 2^(attempt − 1)`, at most `maxDelayMs`, `attempts` in all. */
export interface EmailRetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** How email magic links are delivered. */
export interface MagicLinksEmailOptions {
  /**
   * `smtp://user:pass@host:587` or `smtps://…:465`. Unset: mail is written to `outboxDir` and its link logged, for
   * development only; required when `NODE_ENV=production`.
   */
  smtpUrl?: string;
  /** The From address, e.g. `"Acme" <no-reply@acme.example>` (default `no-reply@localhost`). */
  from?: string;
  /** Where `.eml` files go when there is no SMTP (default `./data/outbox`). */
  outboxDir?: string;
  /** The product name the default mails mention (default: the host of the default login redirect URL). */
  appName?: string;
  /** Custom templates by id, chosen by `login_template_id`, `signup_template_id` and `invite_template_id`. */
  templates?: Record<string, EmailTemplate>;
  retry?: Partial<EmailRetryPolicy>;
  /** A send that takes longer fails and is retried (default 60 000). */
  sendTimeoutMs?: number;
  /** How often queued mail whose job was lost (Redis restarted, process killed) is re-queued (default 30 000). */
  sweepIntervalMs?: number;
  /** Delivery batches at once by each process, and SMTP connections (default 5). */
  concurrency?: number;
  /**
   * Most deliveries in one batch: claimed in one statement, sent at once, marked sent in one statement (default 20;
   * 1 sends mail by mail).
   */
  batchSize?: number;
}

export interface ResolvedEmailOptions {
  smtpUrl: string | undefined;
  from: string;
  outboxDir: string;
  appName: string;
  templates: Record<string, EmailTemplate>;
  retry: EmailRetryPolicy;
  sendTimeoutMs: number;
  /** How long a claimed delivery stays claimed: longer than any send may take. */
  leaseMs: number;
  sweepIntervalMs: number;
  concurrency: number;
  batchSize: number;
}

export const DEFAULT_EMAIL_RETRY: EmailRetryPolicy = { attempts: 10, baseDelayMs: 2000, maxDelayMs: 300_000 };
export const TEMPLATE_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export interface RateLimit {
  /** Requests allowed in each window. */
  limit: number;
  /** Window length, in seconds. */
  ttlSeconds: number;
}

/**
 * How many events the redirect page of emailed links stores (docs/redirect-routing.md). Hits past a cap are still
 * logged, only not stored, so anyone who can open a link cannot grow the database with it.
 */
export interface MagicLinkEventLimits {
  /** Events stored per link and per type (`view`, `head`, `confirm`, `blocked`) (default 20). */
  perLinkAndType?: number;
  /** `view`, `head` and `blocked` events stored per client IP address in each window (default 300 per 600 s). */
  perIp?: RateLimit;
}

export interface ResolvedMagicLinkEventLimits {
  perLinkAndType: number;
  perIp: RateLimit;
}

/**
 * What the periodic cleanup deletes, and when (docs/operations.md). Each age is a whole number of days, or `false`
 * to keep those rows for good. Every process runs the cleanup; instances sharing a database share the work.
 */
export interface MagicLinksRetentionOptions {
  /** Time between two runs of the cleanup in each process (default 600 000, 10 minutes); 0 turns it off. */
  intervalMs?: number;
  /** Days a redirect page event is kept (default 30). */
  eventDays?: number | false;
  /** Days a magic link is kept after it expired, used or not, with its events and delivery (default 30). */
  linkDays?: number | false;
  /** Days a session is kept after it expired (default 30). */
  sessionDays?: number | false;
  /** Days a sent or failed email delivery is kept after its last attempt (default 30). */
  deliveryDays?: number | false;
  /** Rows deleted by one statement, so that no delete holds a write lock for long (default 500). */
  batchSize?: number;
  /** Days device telemetry is kept after its telemetry_id expired, and users are remembered on a device (default 7). */
  telemetryDays?: number | false;
}

export interface ResolvedRetentionOptions {
  intervalMs: number;
  eventDays: number | false;
  linkDays: number | false;
  sessionDays: number | false;
  deliveryDays: number | false;
  batchSize: number;
  telemetryDays: number | false;
}

/** Prometheus metrics (docs/operations.md#metrics). */
export interface MagicLinksMetricsOptions {
  /** The prom-client `Registry` the module registers its metrics in: the host's own, or by default a new one. */
  registry?: Registry;
  /**
   * Also collect prom-client's process and Node.js metrics (event-loop lag, heap, CPU…) into it. Default: true with
   * the module's own registry, false with a host's (which usually collects them already).
   */
  defaultMetrics?: boolean;
  /**
   * Mail domains counted under their own `domain` label value; every other domain is `other`, so that the label
   * never holds more than these (at most 50). Default: gmail.com, outlook.com, hotmail.com, yahoo.com, icloud.com.
   */
  mailDomains?: string[];
  /**
   * The token Prometheus presents (`Authorization: Bearer …`) to the module's `GET /metrics`, which is mounted only
   * with `metricsEndpoint: true` beside the options; at least 16 characters.
   */
  bearerToken?: string;
}

export interface ResolvedMetricsOptions {
  registry: Registry | undefined;
  defaultMetrics: boolean;
  mailDomains: readonly string[];
  bearerToken: string | undefined;
}

export const DEFAULT_MAIL_DOMAINS: readonly string[] = [
  'gmail.com',
  'outlook.com',
  'hotmail.com',
  'yahoo.com',
  'icloud.com',
];
export const MAX_MAIL_DOMAINS = 50;

export const DEFAULT_EVENT_LIMITS: ResolvedMagicLinkEventLimits = {
  perLinkAndType: 20,
  perIp: { limit: 300, ttlSeconds: 600 },
};

export const DEFAULT_RETENTION: ResolvedRetentionOptions = {
  intervalMs: 600_000,
  eventDays: 30,
  linkDays: 30,
  sessionDays: 30,
  deliveryDays: 30,
  batchSize: 500,
  telemetryDays: 7,
};

/** Device fingerprinting and its verdicts (docs/device-fingerprinting.md). */
export interface MagicLinksFraudOptions {
  /** Seconds a `telemetry_id` can be looked up after the script got it (default 3600, at most 86 400). */
  telemetryTtlSeconds?: number;
  /**
   * Authenticate (and the redirect page's confirm) require an `ALLOW` verdict for the `telemetry_id` passed with
   * them (default false).
   */
  requireAllowVerdict?: boolean;
  /** Distinct users on one visitor fingerprint above which it is flagged `DEVICE_SHARED_BY_MANY_USERS` (default 5). */
  maxUsersPerDevice?: number;
  /** Telemetry ids one visitor fingerprint may get per window before `SMART_RATE_LIMIT_WARNING` (default 30 per 600 s). */
  velocity?: RateLimit;
  /**
   * A request header, set by a trusted proxy, that carries the client's ISO country code (e.g. `cf-ipcountry`), for
   * `COUNTRY_CODE` rules. Unset: the country is unknown and country rules never match.
   */
  countryHeader?: string;
}

export interface ResolvedFraudOptions {
  telemetryTtlSeconds: number;
  requireAllowVerdict: boolean;
  maxUsersPerDevice: number;
  velocity: RateLimit;
  countryHeader: string | undefined;
}

export const DEFAULT_FRAUD: ResolvedFraudOptions = {
  telemetryTtlSeconds: 3600,
  requireAllowVerdict: false,
  maxUsersPerDevice: 5,
  velocity: { limit: 30, ttlSeconds: 600 },
  countryHeader: undefined,
};

/**
 * The browser API under `/sdk/v1/` that Stytch's frontend SDK (`@stytch/vanilla-js` and the React/Next.js packages
 * on top of it) calls when its `customBaseUrl` points at this gateway (docs/frontend-sdk.md).
 */
export interface MagicLinksSdkOptions {
  /**
   * The browser origins (`https://app.example.com`, scheme, host and port only) whose pages may call `/sdk/v1/`.
   * Empty (the default): the SDK API refuses every request.
   */
  authorizedOrigins?: string[];
  /**
   * Whether email magic links started from the SDK must use PKCE (default true): the SDK then keeps a secret in the
   * browser that asked for the link, and only that browser can complete it.
   */
  pkceRequired?: boolean;
}

export interface ResolvedSdkOptions {
  authorizedOrigins: string[];
  pkceRequired: boolean;
}

/** What a host passes to `MagicLinksModule.forRoot()` / `forRootAsync()`. */
export interface MagicLinksModuleOptions {
  /** The Basic-auth user name every `/v1/` call must carry, e.g. `project-test-…`. */
  projectId: string;
  /**
   * The Basic-auth password; at least 16 characters. During a rotation, several (docs/operations.md): every one is
   * accepted, and the first is the newest (it derives the keys that write, when those are not set).
   */
  secret: string | string[];
  /** `test` or `live`: the infix of every id. Defaults to `live` for a `project-live-…` id, else `test`. */
  environment?: MagicLinksEnvironment;
  /**
   * HMAC key under which tokens are hashed before they are stored; at least 32 characters. Derived from the secret(s)
   * when omitted. During a rotation, several: the first hashes new tokens, every one finds the tokens it hashed.
   */
  tokenHashKey?: string | string[];
  /** The public token put in emailed links. Derived from the project id when omitted. */
  publicToken?: string;
  /** Base URL of this gateway as browsers reach it; the emailed links start with it. */
  publicUrl?: string;
  /** Registered redirect URLs per type; the first of each list is that type's default. */
  redirectUrls?: Partial<Record<RedirectUrlType, string[]>>;
  /**
   * Key under which the generated session signing keys are encrypted in the database; at least 32 characters.
   * Derived from the secret(s) when omitted, so changing the secret then makes the stored keys unreadable. During a
   * rotation, several: the first encrypts, every one decrypts (and a key read with an older one is re-encrypted).
   */
  sessionKeyEncryptionKey?: string | string[];
  /**
   * Session JWT signing keys supplied by the host instead of generated and stored: RSA private keys of at least
   * 2048 bits, as PEM or private JWK. The first signs; the others stay in the JWKS to verify what they signed.
   */
  sessionSigningKeys?: (string | JsonWebKey)[];
  /** Days after which the generated signing key is replaced by a new one (default 90). Not for supplied keys. */
  sessionKeyRotationDays?: number;
  /**
   * How long each process signs and verifies with the session keys it read before reading them again, in
   * milliseconds (default 60 000, at most 600 000): how soon it sees a key another process rotated in.
   */
  sessionKeyCacheMs?: number;
  /** Email delivery (SMTP, templates, retries). */
  email?: MagicLinksEmailOptions;
  /** How the redirect page of emailed links continues to the app: `click` (the default) or `auto`. */
  redirectMode?: RedirectMode;
  /** Caps on the events the redirect page stores. */
  eventLimits?: MagicLinkEventLimits;
  /** The periodic cleanup of old events, links, sessions and deliveries. */
  retention?: MagicLinksRetentionOptions;
  /** The browser API of Stytch's frontend SDK, under `/sdk/v1/`. */
  sdk?: MagicLinksSdkOptions;
  /** Device fingerprinting: telemetry lifetime, verdict requirements, thresholds. */
  fraud?: MagicLinksFraudOptions;
  /** Prometheus metrics: the registry, labels, and the token of the optional `/metrics` route. */
  metrics?: MagicLinksMetricsOptions;
}

/** A supplied session signing key, parsed. `kid` is the JWK's own, if it had one. */
export interface SuppliedSigningKey {
  privateKey: KeyObject;
  kid: string | undefined;
}

/** The options after validation, with every default filled in. */
export interface ResolvedMagicLinksOptions {
  projectId: string;
  /** The newest secret. */
  secret: string;
  /** Every accepted secret, the newest first. */
  secrets: string[];
  environment: MagicLinksEnvironment;
  /** The key that hashes new tokens: the first of `tokenHashKeys`. */
  tokenHashKey: string;
  /** Every key a stored token hash may have been made with, the newest first. */
  tokenHashKeys: string[];
  publicToken: string;
  publicUrl: string | undefined;
  redirectUrls: Record<RedirectUrlType, string[]>;
  sessionKeyEncryptionKey: string;
  /** Every key a stored signing key may be encrypted with, the newest (the one that encrypts) first. */
  sessionKeyEncryptionKeys: string[];
  sessionSigningKeys: SuppliedSigningKey[] | undefined;
  sessionKeyRotationDays: number;
  sessionKeyCacheMs: number;
  email: ResolvedEmailOptions;
  redirectMode: RedirectMode;
  eventLimits: ResolvedMagicLinkEventLimits;
  retention: ResolvedRetentionOptions;
  sdk: ResolvedSdkOptions;
  fraud: ResolvedFraudOptions;
  metrics: ResolvedMetricsOptions;
}

export const DEFAULT_SESSION_KEY_ROTATION_DAYS = 90;
export const DEFAULT_SESSION_KEY_CACHE_MS = 60_000;

/** Thrown at start-up when an option is wrong; the message says how to fix it. */
export class MagicLinksOptionsError extends Error {
  constructor(problem: string) {
    super(`MagicLinksModule options: ${problem}`);
    this.name = 'MagicLinksOptionsError';
  }
}

export function resolveMagicLinksOptions(options: MagicLinksModuleOptions): ResolvedMagicLinksOptions {
  if (typeof options !== 'object' || options === null) {
    throw new MagicLinksOptionsError(
      'expected an object with at least projectId and secret (did a forRootAsync factory return nothing?).',
    );
  }
  const { projectId } = options;
  if (typeof projectId !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(projectId)) {
    throw new MagicLinksOptionsError(
      'projectId must be 1 to 128 letters, digits, ".", "_" or "-" (for example "project-test-…").',
    );
  }
  const secretAdvice = 'a string of at least 16 characters without ":"';
  const secrets = keyring(options.secret, 'secret', 16, secretAdvice);
  if (!secrets || secrets.some((secret) => secret.includes(':'))) {
    throw new MagicLinksOptionsError(
      `secret must be ${secretAdvice}, or during a rotation a list of such values, the newest first.`,
    );
  }
  const environment = options.environment ?? (projectId.startsWith('project-live-') ? 'live' : 'test');
  if (environment !== 'test' && environment !== 'live') {
    throw new MagicLinksOptionsError('environment must be "test" or "live".');
  }
  const tokenHashKeys =
    keyring(options.tokenHashKey, 'tokenHashKey', 32, KEY_ADVICE) ??
    secrets.map((secret) => derived(secret, 'token hash'));
  const publicUrl = options.publicUrl === undefined ? undefined : absoluteUrl('publicUrl', options.publicUrl);
  const redirectUrls = {} as Record<RedirectUrlType, string[]>;
  for (const type of REDIRECT_URL_TYPES) {
    const urls: unknown = options.redirectUrls?.[type] ?? [];
    if (!Array.isArray(urls)) {
      throw new MagicLinksOptionsError(`redirectUrls.${type} must be an array of URLs, the default first.`);
    }
    redirectUrls[type] = urls.map((url) => absoluteUrl(`redirectUrls.${type}`, url));
  }
  const sessionKeyEncryptionKeys =
    keyring(options.sessionKeyEncryptionKey, 'sessionKeyEncryptionKey', 32, KEY_ADVICE) ??
    secrets.map((secret) => derived(secret, 'session key encryption'));
  const rotationDays = options.sessionKeyRotationDays;
  if (rotationDays !== undefined && (!Number.isInteger(rotationDays) || rotationDays < 1 || rotationDays > 3650)) {
    throw new MagicLinksOptionsError('sessionKeyRotationDays must be a whole number of days from 1 to 3650.');
  }
  if (rotationDays !== undefined && options.sessionSigningKeys !== undefined) {
    throw new MagicLinksOptionsError(
      'sessionKeyRotationDays applies to generated keys only: with sessionSigningKeys, rotate by putting the new key first.',
    );
  }
  if (options.redirectMode !== undefined && !REDIRECT_MODES.includes(options.redirectMode)) {
    throw new MagicLinksOptionsError(
      'redirectMode must be "click" (continue only after a click) or "auto" (continue when the browser looks human).',
    );
  }
  if (options.sessionSigningKeys !== undefined && options.sessionSigningKeys.length === 0) {
    throw new MagicLinksOptionsError('sessionSigningKeys must hold at least one key, or be omitted.');
  }
  return {
    projectId,
    secret: secrets[0],
    secrets,
    environment,
    tokenHashKey: tokenHashKeys[0],
    tokenHashKeys,
    publicToken: options.publicToken ?? `public-token-${environment}-${uuidFrom(projectId)}`,
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    redirectUrls,
    sessionKeyEncryptionKey: sessionKeyEncryptionKeys[0],
    sessionKeyEncryptionKeys,
    sessionSigningKeys: options.sessionSigningKeys?.map((key, index) => suppliedSigningKey(index, key)),
    sessionKeyRotationDays: rotationDays ?? DEFAULT_SESSION_KEY_ROTATION_DAYS,
    // At most ten minutes: a retired key stays published for an hour, which must outlast every process's cache.
    sessionKeyCacheMs: positiveInteger(
      'sessionKeyCacheMs',
      options.sessionKeyCacheMs ?? DEFAULT_SESSION_KEY_CACHE_MS,
      1,
      600_000,
    ),
    email: resolveEmailOptions(options.email ?? {}, redirectUrls.login[0]),
    redirectMode: options.redirectMode ?? 'click',
    eventLimits: resolveEventLimits(options.eventLimits ?? {}),
    retention: resolveRetention(options.retention ?? {}),
    sdk: resolveSdk(options.sdk ?? {}),
    fraud: resolveFraud(options.fraud ?? {}),
    metrics: resolveMetrics(options.metrics ?? {}),
  };
}

function resolveMetrics(metrics: MagicLinksMetricsOptions): ResolvedMetricsOptions {
  if (typeof metrics !== 'object' || metrics === null) {
    throw new MagicLinksOptionsError(
      'metrics must be an object (registry, defaultMetrics, mailDomains, bearerToken), or omitted.',
    );
  }
  const { registry, bearerToken } = metrics;
  if (registry !== undefined && (typeof registry !== 'object' || typeof registry?.registerMetric !== 'function')) {
    throw new MagicLinksOptionsError(
      "metrics.registry must be a prom-client Registry (new Registry(), or prom-client's register).",
    );
  }
  const mailDomains = metrics.mailDomains ?? DEFAULT_MAIL_DOMAINS;
  if (
    !Array.isArray(mailDomains) ||
    mailDomains.length > MAX_MAIL_DOMAINS ||
    !mailDomains.every((domain) => typeof domain === 'string' && /^[a-z0-9.-]{1,253}$/.test(domain))
  ) {
    throw new MagicLinksOptionsError(
      `metrics.mailDomains must be at most ${MAX_MAIL_DOMAINS} lower-case domains such as "gmail.com".`,
    );
  }
  if (bearerToken !== undefined && (typeof bearerToken !== 'string' || bearerToken.length < 16)) {
    throw new MagicLinksOptionsError(
      'metrics.bearerToken must be at least 16 characters (for example: openssl rand -base64 32), or omitted.',
    );
  }
  return {
    registry,
    defaultMetrics: metrics.defaultMetrics ?? registry === undefined,
    mailDomains: [...new Set(mailDomains)],
    bearerToken,
  };
}

function resolveFraud(fraud: MagicLinksFraudOptions): ResolvedFraudOptions {
  if (typeof fraud !== 'object' || fraud === null) {
    throw new MagicLinksOptionsError(
      'fraud must be an object (requireAllowVerdict, telemetryTtlSeconds, …), or omitted.',
    );
  }
  const velocity = fraud.velocity ?? DEFAULT_FRAUD.velocity;
  if (typeof velocity !== 'object' || velocity === null) {
    throw new MagicLinksOptionsError(
      'fraud.velocity must be { limit, ttlSeconds }, for example { limit: 30, ttlSeconds: 600 }.',
    );
  }
  const requireAllowVerdict = fraud.requireAllowVerdict ?? DEFAULT_FRAUD.requireAllowVerdict;
  if (typeof requireAllowVerdict !== 'boolean') {
    throw new MagicLinksOptionsError('fraud.requireAllowVerdict must be true or false.');
  }
  const countryHeader = fraud.countryHeader;
  if (
    countryHeader !== undefined &&
    (typeof countryHeader !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(countryHeader))
  ) {
    throw new MagicLinksOptionsError('fraud.countryHeader must be a header name such as "cf-ipcountry", or omitted.');
  }
  return {
    telemetryTtlSeconds: positiveInteger(
      'fraud.telemetryTtlSeconds',
      fraud.telemetryTtlSeconds ?? DEFAULT_FRAUD.telemetryTtlSeconds,
      1,
      86_400,
    ),
    requireAllowVerdict,
    maxUsersPerDevice: positiveInteger(
      'fraud.maxUsersPerDevice',
      fraud.maxUsersPerDevice ?? DEFAULT_FRAUD.maxUsersPerDevice,
      1,
      1_000_000,
    ),
    velocity: {
      limit: positiveInteger('fraud.velocity.limit', velocity.limit, 1, 1_000_000),
      ttlSeconds: positiveInteger('fraud.velocity.ttlSeconds', velocity.ttlSeconds, 1, 86_400),
    },
    countryHeader: countryHeader?.toLowerCase(),
  };
}

function resolveSdk(sdk: MagicLinksSdkOptions): ResolvedSdkOptions {
  if (typeof sdk !== 'object' || sdk === null) {
    throw new MagicLinksOptionsError('sdk must be an object (authorizedOrigins, pkceRequired), or omitted.');
  }
  const origins: unknown = sdk.authorizedOrigins ?? [];
  if (!Array.isArray(origins)) {
    throw new MagicLinksOptionsError(
      'sdk.authorizedOrigins must be an array of origins such as https://app.example.com.',
    );
  }
  if (sdk.pkceRequired !== undefined && typeof sdk.pkceRequired !== 'boolean') {
    throw new MagicLinksOptionsError('sdk.pkceRequired must be true or false.');
  }
  return { authorizedOrigins: origins.map(browserOrigin), pkceRequired: sdk.pkceRequired ?? true };
}

/** An origin as browsers send it in `Origin`: scheme, host and port (only when not the scheme's default). */
function browserOrigin(value: unknown): string {
  const problem = `sdk.authorizedOrigins: "${String(value)}" is not an origin; write it as https://app.example.com (scheme, host and port only, no path).`;
  if (typeof value !== 'string') throw new MagicLinksOptionsError(problem);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new MagicLinksOptionsError(problem);
  }
  const originOnly = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !originOnly) {
    throw new MagicLinksOptionsError(problem);
  }
  return url.origin;
}

const KEY_ADVICE = 'at least 32 characters (for example: openssl rand -base64 32)';

/**
 * A secret or key option: one value, or during a rotation several, the newest first, without repeats. Undefined
 * when omitted.
 */
function keyring(value: unknown, name: string, minLength: number, advice: string): string[] | undefined {
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  if (values.length === 0 || values.some((item) => typeof item !== 'string' || item.length < minLength)) {
    throw new MagicLinksOptionsError(
      `${name} must be ${advice}, or during a rotation a list of such values, the newest first${name === 'secret' ? '' : '; or omitted'}.`,
    );
  }
  if (new Set(values).size !== values.length) {
    throw new MagicLinksOptionsError(`${name} lists the same value twice; list each one once, the newest first.`);
  }
  return values as string[];
}

/** A key derived from a secret, when the options name none: stable across restarts, never the secret itself. */
function derived(secret: string, purpose: 'token hash' | 'session key encryption'): string {
  return createHmac('sha256', secret).update(`magic-links ${purpose} key`).digest('base64url');
}

function resolveEventLimits(limits: MagicLinkEventLimits): ResolvedMagicLinkEventLimits {
  if (typeof limits !== 'object' || limits === null) {
    throw new MagicLinksOptionsError('eventLimits must be an object (perLinkAndType, perIp), or omitted.');
  }
  const perIp = limits.perIp ?? DEFAULT_EVENT_LIMITS.perIp;
  if (typeof perIp !== 'object' || perIp === null) {
    throw new MagicLinksOptionsError(
      'eventLimits.perIp must be { limit, ttlSeconds }, for example { limit: 300, ttlSeconds: 600 }.',
    );
  }
  return {
    perLinkAndType: positiveInteger(
      'eventLimits.perLinkAndType',
      limits.perLinkAndType ?? DEFAULT_EVENT_LIMITS.perLinkAndType,
      1,
      10_000,
    ),
    perIp: {
      limit: positiveInteger('eventLimits.perIp.limit', perIp.limit, 1, 1_000_000),
      ttlSeconds: positiveInteger('eventLimits.perIp.ttlSeconds', perIp.ttlSeconds, 1, 86_400),
    },
  };
}

function resolveRetention(retention: MagicLinksRetentionOptions): ResolvedRetentionOptions {
  if (typeof retention !== 'object' || retention === null) {
    throw new MagicLinksOptionsError('retention must be an object (intervalMs, eventDays, linkDays, …), or omitted.');
  }
  const days = (name: 'eventDays' | 'linkDays' | 'sessionDays' | 'deliveryDays' | 'telemetryDays'): number | false => {
    const value = retention[name] ?? DEFAULT_RETENTION[name];
    if (value === false) return false;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 36_500) {
      throw new MagicLinksOptionsError(
        `retention.${name} must be a whole number of days from 1 to 36500, or false to keep them.`,
      );
    }
    return value;
  };
  const intervalMs = retention.intervalMs ?? DEFAULT_RETENTION.intervalMs;
  if (
    typeof intervalMs !== 'number' ||
    !Number.isInteger(intervalMs) ||
    (intervalMs !== 0 && (intervalMs < 100 || intervalMs > 86_400_000))
  ) {
    throw new MagicLinksOptionsError(
      'retention.intervalMs must be a whole number of milliseconds from 100 to 86400000, or 0 to turn the cleanup off.',
    );
  }
  return {
    intervalMs,
    eventDays: days('eventDays'),
    linkDays: days('linkDays'),
    sessionDays: days('sessionDays'),
    deliveryDays: days('deliveryDays'),
    batchSize: positiveInteger('retention.batchSize', retention.batchSize ?? DEFAULT_RETENTION.batchSize, 1, 10_000),
    telemetryDays: days('telemetryDays'),
  };
}

function resolveEmailOptions(email: MagicLinksEmailOptions, defaultLoginUrl: string | undefined): ResolvedEmailOptions {
  if (typeof email !== 'object' || email === null) {
    throw new MagicLinksOptionsError('email must be an object (smtpUrl, from, templates, …), or omitted.');
  }
  if (email.smtpUrl !== undefined) {
    let protocol: string | undefined;
    try {
      protocol = new URL(email.smtpUrl).protocol;
    } catch {
      protocol = undefined;
    }
    if (protocol !== 'smtp:' && protocol !== 'smtps:') {
      throw new MagicLinksOptionsError(
        'email.smtpUrl must look like smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465.',
      );
    }
  }
  // Without SMTP every link is written to the log, where anyone who reads the logs could sign in with it.
  if (email.smtpUrl === undefined && process.env.NODE_ENV === 'production') {
    throw new MagicLinksOptionsError(
      'NODE_ENV=production needs email.smtpUrl: without it mail only goes to the outbox folder and each live magic ' +
        'link is written to the log. Set email.smtpUrl to smtp://user:password@smtp.example.com:587 ' +
        '(or smtps://…:465).',
    );
  }
  const from = email.from ?? 'no-reply@localhost';
  if (typeof from !== 'string' || /[\r\n]/.test(from) || !from.includes('@')) {
    throw new MagicLinksOptionsError('email.from must be one address such as "Acme" <no-reply@acme.example>.');
  }
  const templates: Record<string, EmailTemplate> = {};
  for (const [id, template] of Object.entries(email.templates ?? {})) {
    if (!TEMPLATE_ID_PATTERN.test(id)) {
      throw new MagicLinksOptionsError(
        `email.templates: "${id}" is not a valid id; use letters, digits, ".", "_", "-".`,
      );
    }
    for (const part of ['subject', 'html', 'text'] as const) {
      if (typeof template?.[part] !== 'string' || template[part].trim() === '') {
        throw new MagicLinksOptionsError(`email.templates.${id}.${part} must be a non-empty Handlebars template.`);
      }
    }
    templates[id] = { subject: template.subject, html: template.html, text: template.text };
  }
  const retry = { ...DEFAULT_EMAIL_RETRY, ...email.retry };
  positiveInteger('email.retry.attempts', retry.attempts, 1, 100);
  positiveInteger('email.retry.baseDelayMs', retry.baseDelayMs, 1, 86_400_000);
  positiveInteger('email.retry.maxDelayMs', retry.maxDelayMs, retry.baseDelayMs, 86_400_000);
  const sendTimeoutMs = positiveInteger('email.sendTimeoutMs', email.sendTimeoutMs ?? 60_000, 100, 3_600_000);
  return {
    smtpUrl: email.smtpUrl,
    from,
    outboxDir: email.outboxDir ?? './data/outbox',
    appName: email.appName ?? (defaultLoginUrl ? new URL(defaultLoginUrl).host : 'your account'),
    templates,
    retry,
    sendTimeoutMs,
    // A claim outlives the longest send, so a live worker never loses its claim to another.
    leaseMs: sendTimeoutMs * 2 + 5000,
    sweepIntervalMs: positiveInteger('email.sweepIntervalMs', email.sweepIntervalMs ?? 30_000, 100, 3_600_000),
    concurrency: positiveInteger('email.concurrency', email.concurrency ?? 5, 1, 100),
    batchSize: positiveInteger('email.batchSize', email.batchSize ?? 20, 1, 500),
  };
}

function positiveInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new MagicLinksOptionsError(`${name} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

function suppliedSigningKey(index: number, value: string | JsonWebKey): SuppliedSigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = typeof value === 'string' ? createPrivateKey(value) : createPrivateKey({ key: value, format: 'jwk' });
  } catch {
    throw new MagicLinksOptionsError(
      `sessionSigningKeys[${index}] is not a private key: pass a PEM ("-----BEGIN PRIVATE KEY-----…") or a private JWK.`,
    );
  }
  if (privateKey.asymmetricKeyType !== 'rsa' || (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new MagicLinksOptionsError(
      `sessionSigningKeys[${index}] must be an RSA key of at least 2048 bits (session JWTs are RS256); ` +
        'generate one with: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048',
    );
  }
  return { privateKey, kid: typeof value === 'string' || typeof value.kid !== 'string' ? undefined : value.kid };
}

function absoluteUrl(name: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new MagicLinksOptionsError(`${name} must be a URL string such as https://host/path.`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new MagicLinksOptionsError(`${name}: "${value}" is not an absolute URL; write it as https://host/path.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new MagicLinksOptionsError(`${name}: "${value}" must use http or https.`);
  }
  return value;
}

/** A stable, UUID-shaped value derived from a string, so a derived public token survives restarts. */
function uuidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
