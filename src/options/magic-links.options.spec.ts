import { Registry } from 'prom-client';
import {
  MagicLinksOptionsError,
  resolveMagicLinksOptions,
  type MagicLinksModuleOptions,
} from './magic-links.options.js';

const VALID: MagicLinksModuleOptions = {
  projectId: 'project-test-11111111-1111-4111-8111-111111111111',
  secret: 'secret-test-11111111-1111-4111-8111-111111111111',
};

function problemWith(options: unknown): string {
  try {
    resolveMagicLinksOptions(options as MagicLinksModuleOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(MagicLinksOptionsError);
    return (error as Error).message;
  }
  throw new Error('the options were accepted');
}

describe('resolveMagicLinksOptions', () => {
  it('fills in every default', () => {
    const resolved = resolveMagicLinksOptions(VALID);
    expect(resolved).toMatchObject({
      projectId: VALID.projectId,
      secret: VALID.secret,
      environment: 'test',
      publicUrl: undefined,
      redirectUrls: { login: [], signup: [], invite: [] },
      redirectMode: 'click',
      sessionKeyCacheMs: 60_000,
    });
    expect(resolved.tokenHashKey.length).toBeGreaterThanOrEqual(32);
    expect(resolved.publicToken).toMatch(
      /^public-token-test-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('derives the hash key and public token stably, so tokens and links survive a restart', () => {
    const first = resolveMagicLinksOptions(VALID);
    const second = resolveMagicLinksOptions({ ...VALID });
    expect(second.tokenHashKey).toBe(first.tokenHashKey);
    expect(second.publicToken).toBe(first.publicToken);
    const rotated = resolveMagicLinksOptions({ ...VALID, secret: `${VALID.secret}-rotated` });
    expect(rotated.tokenHashKey).not.toBe(first.tokenHashKey);
    // The hash key is never the secret itself.
    expect(first.tokenHashKey).not.toContain(VALID.secret);
  });

  it('takes several secrets and keys during a rotation: the first writes, every one reads', () => {
    const older = resolveMagicLinksOptions(VALID);
    const newer = `${VALID.secret as string}-newer`;
    const rotating = resolveMagicLinksOptions({ ...VALID, secret: [newer, VALID.secret as string] });
    expect(rotating.secret).toBe(newer);
    expect(rotating.secrets).toEqual([newer, VALID.secret]);
    // Derived keys follow the secrets: the older secret's keys still read what they wrote.
    expect(rotating.tokenHashKeys).toEqual([
      resolveMagicLinksOptions({ ...VALID, secret: newer }).tokenHashKey,
      older.tokenHashKey,
    ]);
    expect(rotating.tokenHashKey).toBe(rotating.tokenHashKeys[0]);
    expect(rotating.sessionKeyEncryptionKeys[1]).toBe(older.sessionKeyEncryptionKey);
    const explicit = resolveMagicLinksOptions({
      ...VALID,
      tokenHashKey: ['n'.repeat(32), 'o'.repeat(32)],
      sessionKeyEncryptionKey: 'e'.repeat(32),
    });
    expect(explicit.tokenHashKeys).toEqual(['n'.repeat(32), 'o'.repeat(32)]);
    expect(explicit.sessionKeyEncryptionKeys).toEqual(['e'.repeat(32)]);
    expect(problemWith({ ...VALID, secret: [] })).toContain('secret must be');
    expect(problemWith({ ...VALID, secret: [newer, 'short'] })).toContain('secret must be');
    expect(problemWith({ ...VALID, tokenHashKey: ['n'.repeat(32), 'n'.repeat(32)] })).toContain(
      'tokenHashKey lists the same value twice',
    );
    expect(problemWith({ ...VALID, sessionKeyEncryptionKey: ['e'.repeat(32), 'short'] })).toContain(
      'sessionKeyEncryptionKey must be at least 32 characters',
    );
  });

  it('takes the environment from a project-live- id, or from the option', () => {
    const liveId = 'project-live-22222222-2222-4222-8222-222222222222';
    expect(resolveMagicLinksOptions({ ...VALID, projectId: liveId }).environment).toBe('live');
    expect(resolveMagicLinksOptions({ ...VALID, projectId: liveId }).publicToken).toMatch(/^public-token-live-/);
    expect(resolveMagicLinksOptions({ ...VALID, environment: 'live' }).environment).toBe('live');
  });

  it('keeps explicit values and trims the public URL', () => {
    const resolved = resolveMagicLinksOptions({
      ...VALID,
      tokenHashKey: 'k'.repeat(32),
      publicToken: 'public-token-test-33333333-3333-4333-8333-333333333333',
      publicUrl: 'https://auth.example.com/',
      redirectUrls: { login: ['https://app.example.com/authenticate', 'http://localhost:3000/authenticate'] },
    });
    expect(resolved).toMatchObject({
      tokenHashKey: 'k'.repeat(32),
      publicToken: 'public-token-test-33333333-3333-4333-8333-333333333333',
      publicUrl: 'https://auth.example.com',
      redirectUrls: {
        login: ['https://app.example.com/authenticate', 'http://localhost:3000/authenticate'],
        signup: [],
        invite: [],
      },
    });
  });

  describe('with NODE_ENV=production', () => {
    const nodeEnv = process.env.NODE_ENV;
    beforeEach(() => (process.env.NODE_ENV = 'production'));
    afterEach(() => (process.env.NODE_ENV = nodeEnv));

    it('refuses a missing email.smtpUrl, which would write live magic links to the log', () => {
      const message = problemWith(VALID);
      expect(message).toContain('NODE_ENV=production needs email.smtpUrl');
      expect(message).toContain('smtp://user:password@smtp.example.com:587');
      expect(message).not.toContain('SMTP_URL');
    });

    it('accepts an SMTP transport', () => {
      const resolved = resolveMagicLinksOptions({ ...VALID, email: { smtpUrl: 'smtp://mail.example.com:587' } });
      expect(resolved.email.smtpUrl).toBe('smtp://mail.example.com:587');
    });
  });

  it.each<[string, unknown, string]>([
    ['no options at all', undefined, 'expected an object with at least projectId and secret'],
    ['a missing projectId', { secret: VALID.secret }, 'projectId must be 1 to 128 letters'],
    ['a projectId with a space', { ...VALID, projectId: 'project test' }, 'projectId must be 1 to 128 letters'],
    ['a projectId of 129 characters', { ...VALID, projectId: 'p'.repeat(129) }, 'projectId must be 1 to 128'],
    ['a short secret', { ...VALID, secret: 'fifteen-chars..' }, 'secret must be a string of at least 16 characters'],
    ['a secret with a colon', { ...VALID, secret: 'secret:with:colons:inside' }, 'without ":"'],
    ['an unknown environment', { ...VALID, environment: 'prod' }, 'environment must be "test" or "live".'],
    ['a short token hash key', { ...VALID, tokenHashKey: 'short' }, 'openssl rand -base64 32'],
    ['a relative public URL', { ...VALID, publicUrl: '/auth' }, 'publicUrl: "/auth" is not an absolute URL'],
    ['an ftp public URL', { ...VALID, publicUrl: 'ftp://example.com' }, 'must use http or https'],
    [
      'a redirect URL list given as a string',
      { ...VALID, redirectUrls: { login: 'https://app.example.com/authenticate' } },
      'redirectUrls.login must be an array of URLs',
    ],
    [
      'a relative redirect URL',
      { ...VALID, redirectUrls: { invite: ['https://app.example.com/invite', 'invite'] } },
      'redirectUrls.invite: "invite" is not an absolute URL',
    ],
    ['an unknown redirect mode', { ...VALID, redirectMode: 'sometimes' }, 'redirectMode must be "click"'],
    ['a key cache of an hour', { ...VALID, sessionKeyCacheMs: 3_600_000 }, 'sessionKeyCacheMs must be a whole number'],
  ])('refuses %s, saying how to fix it', (_case, options, fix) => {
    const message = problemWith(options);
    expect(message.startsWith('MagicLinksModule options: ')).toBe(true);
    expect(message).toContain(fix);
  });

  it('caps stored redirect events and cleans up after 30 days by default, each age adjustable or off', () => {
    const resolved = resolveMagicLinksOptions(VALID);
    expect(resolved.eventLimits).toEqual({ perLinkAndType: 20, perIp: { limit: 300, ttlSeconds: 600 } });
    expect(resolved.retention).toEqual({
      intervalMs: 600_000,
      eventDays: 30,
      linkDays: 30,
      sessionDays: 30,
      deliveryDays: 30,
      batchSize: 500,
      telemetryDays: 7,
    });
    const custom = resolveMagicLinksOptions({
      ...VALID,
      eventLimits: { perLinkAndType: 3 },
      retention: { intervalMs: 0, eventDays: 7, linkDays: false },
    });
    expect(custom.eventLimits).toEqual({ perLinkAndType: 3, perIp: { limit: 300, ttlSeconds: 600 } });
    expect(custom.retention).toMatchObject({ intervalMs: 0, eventDays: 7, linkDays: false, sessionDays: 30 });
  });

  it('reads the device fingerprinting options, and refuses ones it cannot honour', () => {
    expect(resolveMagicLinksOptions(VALID).fraud).toEqual({
      telemetryTtlSeconds: 3600,
      requireAllowVerdict: false,
      maxUsersPerDevice: 5,
      velocity: { limit: 30, ttlSeconds: 600 },
      countryHeader: undefined,
    });
    expect(resolveMagicLinksOptions({ ...VALID, fraud: { countryHeader: 'CF-IPCountry' } }).fraud.countryHeader).toBe(
      'cf-ipcountry',
    );
    expect(problemWith({ ...VALID, fraud: { telemetryTtlSeconds: 0 } })).toContain(
      'fraud.telemetryTtlSeconds must be a whole number from 1 to 86400.',
    );
    expect(problemWith({ ...VALID, fraud: { requireAllowVerdict: 'yes' as unknown as boolean } })).toContain(
      'fraud.requireAllowVerdict must be true or false.',
    );
    expect(problemWith({ ...VALID, fraud: { countryHeader: 'bad header' } })).toContain('fraud.countryHeader');
  });

  it('gives the metrics a registry of their own with the process metrics, unless the host passes its registry', () => {
    const own = resolveMagicLinksOptions(VALID).metrics;
    expect(own).toEqual({
      registry: undefined,
      defaultMetrics: true,
      mailDomains: ['gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com'],
      bearerToken: undefined,
    });
    const registry = new Registry();
    const hosts = resolveMagicLinksOptions({ ...VALID, metrics: { registry, mailDomains: ['corp.example'] } }).metrics;
    expect(hosts).toMatchObject({ defaultMetrics: false, mailDomains: ['corp.example'] });
    expect(hosts.registry).toBe(registry);
  });

  it('refuses metrics options that would leak or unbound labels, saying what is allowed', () => {
    expect(problemWith({ ...VALID, metrics: { registry: {} } })).toContain('metrics.registry must be a prom-client');
    expect(problemWith({ ...VALID, metrics: { mailDomains: ['Gmail.com'] } })).toContain('lower-case domains');
    const many = Array.from({ length: 51 }, (_, index) => `d${index}.example`);
    expect(problemWith({ ...VALID, metrics: { mailDomains: many } })).toContain('at most 50');
    expect(problemWith({ ...VALID, metrics: { bearerToken: 'short' } })).toContain(
      'metrics.bearerToken must be at least 16 characters',
    );
  });

  it('refuses retention and event caps it cannot honour, saying what is allowed', () => {
    expect(problemWith({ ...VALID, retention: { eventDays: 0 } })).toContain(
      'retention.eventDays must be a whole number of days from 1 to 36500, or false to keep them.',
    );
    expect(problemWith({ ...VALID, retention: { intervalMs: 50 } })).toContain('or 0 to turn the cleanup off');
    expect(problemWith({ ...VALID, retention: { batchSize: 0 } })).toContain('retention.batchSize must be');
    expect(problemWith({ ...VALID, eventLimits: { perLinkAndType: 0 } })).toContain(
      'eventLimits.perLinkAndType must be a whole number from 1 to 10000.',
    );
    expect(problemWith({ ...VALID, eventLimits: { perIp: { limit: 10 } } })).toContain('eventLimits.perIp.ttlSeconds');
  });

  it('normalises the SDK origins and refuses anything but an origin, saying how to write one', () => {
    expect(resolveMagicLinksOptions(VALID).sdk).toEqual({ authorizedOrigins: [], pkceRequired: true });
    const sdk = resolveMagicLinksOptions({
      ...VALID,
      sdk: { authorizedOrigins: ['https://App.example.com/', 'http://localhost:5173'], pkceRequired: false },
    }).sdk;
    expect(sdk).toEqual({
      authorizedOrigins: ['https://app.example.com', 'http://localhost:5173'],
      pkceRequired: false,
    });
    for (const bad of ['https://app.example.com/login', 'app.example.com', 'ftp://app.example.com', '*']) {
      expect(problemWith({ ...VALID, sdk: { authorizedOrigins: [bad] } })).toContain(
        'write it as https://app.example.com (scheme, host and port only, no path)',
      );
    }
  });
});
