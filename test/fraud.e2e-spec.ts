import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Client } from 'stytch';
import { launchPersonBrowser, launchScannerBrowser } from './support/browsers.js';
import { sendLoginLink } from './support/email-link.js';
import {
  DATABASES,
  expectStytchError,
  freePort,
  queryDatabase,
  startGateway,
  type RunningGateway,
} from './support/gateway.js';
import { expectClientError, officialClient, storedTime } from './support/sessions.js';

/**
 * An app on another origin that puts the telemetry script on its page under a strict CSP: only that script, and
 * connections to the gateway, are allowed.
 */
interface TestApp {
  url: string;
  close(): Promise<void>;
}

async function startTestApp(gatewayUrl: string): Promise<TestApp> {
  const port = await freePort();
  const server: Server = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html');
    response.setHeader(
      'content-security-policy',
      `default-src 'none'; script-src ${gatewayUrl}/v1/fingerprint/telemetry.js; connect-src ${gatewayUrl}`,
    );
    response.end(
      `<!doctype html><title>App</title><h1>Sign in</h1><script src="${gatewayUrl}/v1/fingerprint/telemetry.js"></script>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Opens the app's page and returns the telemetry_id the script resolved to; the page must log no CSP error. */
async function telemetryIdFrom(open: () => Promise<Page>, appUrl: string): Promise<string> {
  const page = await open();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  try {
    await page.goto(appUrl);
    // A string, not a function: the test compiles without the DOM's types.
    const telemetryId = (await page.evaluate('GetTelemetryID()')) as string;
    expect(errors).toEqual([]);
    return telemetryId;
  } finally {
    await page.close();
  }
}

let person: { browser: Browser; context: BrowserContext; userAgent: string };
let scanner: Browser;
beforeAll(async () => {
  [person, scanner] = await Promise.all([launchPersonBrowser(), launchScannerBrowser()]);
});
afterAll(async () => {
  await person?.browser.close();
  await scanner?.close();
});

describe.each(DATABASES)('Device fingerprinting through the official client on %s', (database) => {
  let gateway: RunningGateway;
  let app: TestApp;
  let client: Client;
  let personVisits: string[];
  let scannerVisit: string;

  beforeAll(async () => {
    gateway = await startGateway(database, {
      FRAUD_REQUIRE_ALLOW_VERDICT: 'true',
      LOG_LEVEL: 'info',
      RETENTION_INTERVAL_MS: '200',
    });
    app = await startTestApp(gateway.url);
    client = officialClient(gateway);
    // Two visits of one person's browser, then one of a scanner's.
    personVisits = [
      await telemetryIdFrom(() => person.context.newPage(), app.url),
      await telemetryIdFrom(() => person.context.newPage(), app.url),
    ];
    scannerVisit = await telemetryIdFrom(() => scanner.newPage(), app.url);
  });
  afterAll(async () => {
    await gateway?.close();
    await app?.close();
  });

  it("gives a person's browser ALLOW, and the same visitor on the next visit", async () => {
    const [first, second] = await Promise.all(
      personVisits.map((telemetry_id) =>
        client.fraud.fingerprint.lookup({
          telemetry_id,
          external_metadata: { external_id: 'user-1', user_action: 'login' },
        }),
      ),
    );
    expect(first).toMatchObject({
      status_code: 200,
      telemetry_id: personVisits[0],
      verdict: {
        action: 'ALLOW',
        reasons: [],
        detected_device_type: 'LINUX_DESKTOP',
        is_authentic_device: true,
        verdict_reason_overrides: [],
      },
      external_metadata: { external_id: 'user-1', user_action: 'login' },
    });
    for (const name of ['network', 'hardware', 'browser', 'visitor'])
      expect(first.fingerprints[`${name}_fingerprint` as 'visitor_fingerprint']).toMatch(/^[0-9a-f]{32}$/);
    expect(first.fingerprints.visitor_id).toMatch(/^visitor-[0-9a-f-]{36}$/);
    expect(first.fingerprints.browser_id).toMatch(/^browser-[0-9a-f-]{36}$/);
    expect(Date.parse(first.expires_at) - Date.parse(first.created_at)).toBe(3600_000);
    expect(second.telemetry_id).not.toBe(first.telemetry_id);
    expect(second.fingerprints).toEqual(first.fingerprints);
    expect(second.verdict.action).toBe('ALLOW');
  });

  it('gives an automated headless browser BLOCK for automation, answers 404 for unknown or expired ids, and deletes old ones', async () => {
    const found = await client.fraud.fingerprint.lookup({ telemetry_id: scannerVisit });
    expect(found.verdict).toMatchObject({ action: 'BLOCK', is_authentic_device: false });
    expect(found.verdict.reasons).toContain('HEADLESS_BROWSER_AUTOMATION');

    await expectClientError(
      client.fraud.fingerprint.lookup({ telemetry_id: randomUUID() }),
      404,
      'telemetry_id_not_found',
    );
    const expiring = await telemetryIdFrom(() => person.context.newPage(), app.url);
    await queryDatabase(gateway.databaseUrl, 'UPDATE fraud_telemetry SET expires_at = $1 WHERE telemetry_id = $2', [
      storedTime(database, new Date(Date.now() - 1000)),
      expiring,
    ]);
    await expectClientError(client.fraud.fingerprint.lookup({ telemetry_id: expiring }), 404, 'telemetry_id_not_found');

    // The retention cleanup deletes telemetry RETENTION_TELEMETRY_DAYS (7) after it expired.
    await queryDatabase(gateway.databaseUrl, 'UPDATE fraud_telemetry SET expires_at = $1 WHERE telemetry_id = $2', [
      storedTime(database, new Date(Date.now() - 8 * 86_400_000)),
      expiring,
    ]);
    const stored = () =>
      queryDatabase(gateway.databaseUrl, 'SELECT telemetry_id FROM fraud_telemetry WHERE telemetry_id = $1', [
        expiring,
      ]);
    for (let tries = 0; (await stored()).length > 0 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await stored()).toEqual([]);
    // Unexpired telemetry stays.
    expect((await client.fraud.fingerprint.lookup({ telemetry_id: personVisits[0] })).telemetry_id).toBe(
      personVisits[0],
    );
  });

  it('lets a rule on a visitor flip its verdict, until the rule is cleared or expires', async () => {
    const scanned = await client.fraud.fingerprint.lookup({ telemetry_id: scannerVisit });
    const visitorId = scanned.fingerprints.visitor_id!;
    const set = await client.fraud.rules.set({ action: 'ALLOW', visitor_id: visitorId, description: 'Our QA robot' });
    expect(set).toMatchObject({ status_code: 200, action: 'ALLOW', visitor_id: visitorId });
    const allowed = await client.fraud.fingerprint.lookup({ telemetry_id: scannerVisit });
    expect(allowed.verdict).toMatchObject({
      action: 'ALLOW',
      rule_match_type: 'VISITOR_ID',
      rule_match_identifier: visitorId,
    });
    expect(allowed.verdict.reasons).toEqual(expect.arrayContaining(['HEADLESS_BROWSER_AUTOMATION', 'RULE_MATCH']));
    const listed = await client.fraud.rules.list({ limit: 100 });
    expect(listed.rules).toContainEqual(
      expect.objectContaining({
        rule_type: 'VISITOR_ID',
        visitor_id: visitorId,
        action: 'ALLOW',
        description: 'Our QA robot',
      }),
    );
    await client.fraud.rules.set({ action: 'NONE', visitor_id: visitorId });
    expect((await client.fraud.fingerprint.lookup({ telemetry_id: scannerVisit })).verdict.action).toBe('BLOCK');

    // A temporary rule on the person's visitor, and a CIDR rule on the whole loopback network.
    const personal = await client.fraud.fingerprint.lookup({ telemetry_id: personVisits[0] });
    const temporary = await client.fraud.rules.set({
      action: 'BLOCK',
      visitor_id: personal.fingerprints.visitor_id!,
      expires_in_minutes: 5,
    });
    expect(Date.parse(temporary.expires_at!) - Date.now()).toBeGreaterThan(4 * 60_000);
    expect((await client.fraud.fingerprint.lookup({ telemetry_id: personVisits[0] })).verdict.action).toBe('BLOCK');
    await queryDatabase(gateway.databaseUrl, 'UPDATE fraud_rules SET expires_at = $1 WHERE identifier = $2', [
      storedTime(database, new Date(Date.now() - 1000)),
      personal.fingerprints.visitor_id,
    ]);
    expect((await client.fraud.fingerprint.lookup({ telemetry_id: personVisits[0] })).verdict.action).toBe('ALLOW');
    await client.fraud.rules.set({ action: 'CHALLENGE', cidr_block: '127.0.0.0/16' });
    expect((await client.fraud.fingerprint.lookup({ telemetry_id: personVisits[0] })).verdict).toMatchObject({
      action: 'CHALLENGE',
      rule_match_type: 'CIDR_BLOCK',
      rule_match_identifier: '127.0.0.0/16',
    });
    await client.fraud.rules.set({ action: 'NONE', cidr_block: '127.0.0.0/16' });

    await expectClientError(
      client.fraud.rules.set({ action: 'BLOCK', visitor_id: visitorId, cidr_block: '10.0.0.0/8' }),
      400,
      'bad_request',
    );
    await expectClientError(client.fraud.rules.set({ action: 'ALLOW', country_code: 'FR' }), 400, 'bad_request');
  });

  it("lets an override change a reason's action, and lists it", async () => {
    const overridden = await client.fraud.verdictReasons.override({
      verdict_reason: 'HEADLESS_BROWSER_AUTOMATION',
      override_action: 'CHALLENGE',
      override_description: 'Our own monitoring runs headless',
    });
    expect(overridden.verdict_reason_action).toMatchObject({
      verdict_reason: 'HEADLESS_BROWSER_AUTOMATION',
      default_action: 'BLOCK',
      override_action: 'CHALLENGE',
      override_description: 'Our own monitoring runs headless',
    });
    const found = await client.fraud.fingerprint.lookup({ telemetry_id: scannerVisit });
    expect(found.verdict.action).toBe('CHALLENGE');
    expect(found.verdict.verdict_reason_overrides).toContainEqual({
      verdict_reason: 'HEADLESS_BROWSER_AUTOMATION',
      override_action: 'CHALLENGE',
    });
    const all = await client.fraud.verdictReasons.list({});
    expect(all.verdict_reason_actions.map((action) => action.verdict_reason)).toEqual(
      expect.arrayContaining(['HEADLESS_BROWSER_AUTOMATION', 'USER_AGENT_DECEPTION', 'VIRTUAL_MACHINE']),
    );
    const only = await client.fraud.verdictReasons.list({ overrides_only: true });
    expect(only.verdict_reason_actions.map((action) => action.verdict_reason)).toEqual(['HEADLESS_BROWSER_AUTOMATION']);

    await client.fraud.verdictReasons.override({
      verdict_reason: 'HEADLESS_BROWSER_AUTOMATION',
      override_action: 'NONE',
    });
    expect((await client.fraud.fingerprint.lookup({ telemetry_id: scannerVisit })).verdict.action).toBe('BLOCK');
    await expectClientError(
      client.fraud.verdictReasons.override({ verdict_reason: 'RULE_MATCH', override_action: 'ALLOW' }),
      400,
      'bad_request',
    );
  });

  it('applies a rule or override set through one instance to the next lookup on another, and flags a device shared by many users or asking too often', async () => {
    // The scanner's device may have users, and the person's visitor telemetry ids, from the tests before: the other
    // instance allows two more users, and one more telemetry id in its velocity window.
    const { visitor_fingerprint } = (await client.fraud.fingerprint.lookup({ telemetry_id: scannerVisit }))
      .fingerprints;
    const knownUsers = await queryDatabase(
      gateway.databaseUrl,
      'SELECT user_key FROM fraud_device_users WHERE visitor_fingerprint = $1',
      [visitor_fingerprint],
    );
    const personal = (await client.fraud.fingerprint.lookup({ telemetry_id: personVisits[0] })).fingerprints;
    const knownVisits = await queryDatabase(
      gateway.databaseUrl,
      'SELECT telemetry_id FROM fraud_telemetry WHERE visitor_fingerprint = $1',
      [personal.visitor_fingerprint],
    );
    const other = await startGateway(
      { url: gateway.databaseUrl },
      {
        FRAUD_MAX_USERS_PER_DEVICE: String(knownUsers.length + 2),
        FRAUD_VELOCITY: `${knownVisits.length + 1}/3600`,
      },
    );
    const otherApp = await startTestApp(other.url);
    try {
      const otherClient = officialClient(other);
      // The other instance weighs the policy once, then keeps it until a change through any instance.
      expect((await otherClient.fraud.fingerprint.lookup({ telemetry_id: scannerVisit })).verdict.action).toBe('BLOCK');
      await client.fraud.rules.set({ action: 'ALLOW', cidr_block: '127.0.0.0/16' });
      expect((await otherClient.fraud.fingerprint.lookup({ telemetry_id: scannerVisit })).verdict).toMatchObject({
        action: 'ALLOW',
        rule_match_type: 'CIDR_BLOCK',
      });
      await client.fraud.rules.set({ action: 'NONE', cidr_block: '127.0.0.0/16' });
      expect((await otherClient.fraud.fingerprint.lookup({ telemetry_id: scannerVisit })).verdict.action).toBe('BLOCK');
      await client.fraud.verdictReasons.override({
        verdict_reason: 'HEADLESS_BROWSER_AUTOMATION',
        override_action: 'CHALLENGE',
      });
      expect((await otherClient.fraud.fingerprint.lookup({ telemetry_id: scannerVisit })).verdict.action).toBe(
        'CHALLENGE',
      );
      await client.fraud.verdictReasons.override({
        verdict_reason: 'HEADLESS_BROWSER_AUTOMATION',
        override_action: 'NONE',
      });
      expect((await otherClient.fraud.fingerprint.lookup({ telemetry_id: scannerVisit })).verdict.action).toBe('BLOCK');

      // Two more users on the device are within the other instance's limit; a third is one too many.
      const reasonsFor = async (external_id: string) =>
        (await otherClient.fraud.fingerprint.lookup({ telemetry_id: scannerVisit, external_metadata: { external_id } }))
          .verdict.reasons;
      expect(await reasonsFor('user-a')).not.toContain('DEVICE_SHARED_BY_MANY_USERS');
      expect(await reasonsFor('user-b')).not.toContain('DEVICE_SHARED_BY_MANY_USERS');
      expect(await reasonsFor('user-a')).not.toContain('DEVICE_SHARED_BY_MANY_USERS');
      expect(await reasonsFor('user-c')).toContain('DEVICE_SHARED_BY_MANY_USERS');

      // The person's next visit is within the velocity limit; the one after it is over.
      const visits = [
        await telemetryIdFrom(() => person.context.newPage(), otherApp.url),
        await telemetryIdFrom(() => person.context.newPage(), otherApp.url),
      ];
      const [within, over] = await Promise.all(
        visits.map((telemetry_id) => otherClient.fraud.fingerprint.lookup({ telemetry_id })),
      );
      expect(within.fingerprints.visitor_fingerprint).toBe(personal.visitor_fingerprint);
      expect(within.verdict.reasons).not.toContain('SMART_RATE_LIMIT_WARNING');
      expect(over.verdict.reasons).toContain('SMART_RATE_LIMIT_WARNING');
    } finally {
      await otherApp.close();
      await other.close();
    }
  });

  it('requires an ALLOW verdict to confirm and authenticate a link, records it on the event, and matches devices by fingerprint', async () => {
    const link = await sendLoginLink(gateway, { email: `fraud-${database}-${Date.now()}@example.com` });
    const page = await person.context.newPage();
    try {
      await page.goto(link.url);
      // A person reads the page for a moment before pressing the button.
      await page.waitForTimeout(1200);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL((url) => url.pathname === '/authenticate', { timeout: 10_000 });
    } finally {
      await page.close();
    }
    const events = await gateway.request('GET', `/v1/magic_links/events?email_id=${link.emailId}`);
    const confirm = events.body.events.find((event: { event_type: string }) => event.event_type === 'confirm');
    expect(confirm.verdict).toMatchObject({ action: 'ALLOW', reasons: [] });
    expect(confirm.verdict.telemetry_id).toMatch(/^[0-9a-f-]{36}$/);

    const authenticate = (extra: Record<string, unknown>) =>
      gateway.request('POST', '/v1/magic_links/authenticate', { token: link.token, ...extra });
    expectStytchError(await authenticate({}), 400, 'telemetry_id_required');
    expectStytchError(await authenticate({ telemetry_id: scannerVisit }), 403, 'device_verdict_not_allow');
    expectStytchError(await authenticate({ telemetry_id: randomUUID() }), 404, 'telemetry_id_not_found');
    // The app's own page (another origin) saw the same device that confirmed the link: its fingerprint matches.
    const authenticated = await authenticate({
      telemetry_id: personVisits[1],
      options: { device_match_required: true },
    });
    expect(authenticated.status).toBe(200);
    expect(authenticated.body.user_id).toBe(link.userId);
  });

  it('answers bad input with a Stytch error that says what to fix, never a 5xx', async () => {
    const bad = [
      ['/v1/rules/set', { action: 'BLOCK', visitor_id: 'a\u0000b' }, 400, 'bad_request'],
      ['/v1/rules/set', { action: 'BLOCK', cidr_block: '10.0.0.0/8', description: 'x\u0000' }, 400, 'bad_request'],
      ['/v1/rules/set', { action: 'BLOCK', asn: '13335' }, 400, 'bad_request'],
      ['/v1/rules/set', { action: 'MAYBE', visitor_id: 'visitor-1' }, 400, 'bad_request'],
      ['/v1/rules/list', { limit: 1000 }, 400, 'bad_request'],
      [
        '/v1/verdict_reasons/override',
        { verdict_reason: 'VIRTUAL_MACHINE', override_action: 'ALLOW', override_description: '\u0000' },
        400,
        'bad_request',
      ],
      ['/v1/fingerprint/lookup', { telemetry_id: 'x\u0000' }, 404, 'telemetry_id_not_found'],
      [
        '/v1/fingerprint/lookup',
        { telemetry_id: personVisits[0], external_metadata: { external_id: 'a b' } },
        400,
        'bad_request',
      ],
    ] as const;
    for (const [path, body, status, type] of bad)
      expectStytchError(await gateway.request('POST', path, body), status, type);
    const garbage = await fetch(`${gateway.url}/v1/fingerprint/telemetry`, {
      method: 'POST',
      body: new URLSearchParams({ signals: '{"v":1' }),
    });
    expectStytchError(
      { status: garbage.status, headers: garbage.headers, body: await garbage.json() },
      400,
      'invalid_telemetry',
    );
  });

  it('logs no raw signal', async () => {
    const page = await person.context.newPage();
    try {
      await page.goto(app.url);
      const visitorKey = (await page.evaluate("localStorage.getItem('_mlt_visitor')")) as string;
      const renderer = (await page.evaluate(
        "(() => { const gl = document.createElement('canvas').getContext('webgl'); " +
          "return String(gl.getParameter(gl.getExtension('WEBGL_debug_renderer_info').UNMASKED_RENDERER_WEBGL)); })()",
      )) as string;
      expect(visitorKey).toMatch(/^[0-9a-f]{32}$/);
      expect(gateway.output()).toContain('Device telemetry recorded');
      expect(gateway.output()).not.toContain(visitorKey);
      expect(gateway.output()).not.toContain(renderer);
    } finally {
      await page.close();
    }
  });
});
