import { chromium, type Browser, type Page } from 'playwright-core';
import { DEVELOPMENT_PROJECT_ID, DEVELOPMENT_SECRET } from '../src/gateway/gateway.config.js';
import { launchPersonBrowser } from './support/browsers.js';
import { sendLoginLink } from './support/email-link.js';
import { AUTH, PROJECT_ID, SECRET, startGateway, type RunningGateway } from './support/gateway.js';

type Schema = Record<string, any>;

/** The development pair: "a fresh gateway on its defaults" is one started with no credentials configured. */
const DEFAULTS = { MAGIC_LINKS_PROJECT_ID: DEVELOPMENT_PROJECT_ID, MAGIC_LINKS_SECRET: DEVELOPMENT_SECRET };
const DEVELOPMENT_AUTH = `Basic ${Buffer.from(`${DEVELOPMENT_PROJECT_ID}:${DEVELOPMENT_SECRET}`).toString('base64')}`;

/**
 * Operations whose example needs nothing created before it (or only what an example above it on the page
 * created): sent as given, they succeed. Every other example names an id that does not exist yet, and gets the
 * 404 that says so.
 */
const SUCCEED_AS_GIVEN = new Set([
  'post /v1/users',
  'post /v1/users/search',
  'post /v1/magic_links/email/send',
  'post /v1/magic_links/email/login_or_create',
  'post /v1/magic_links/email/invite',
  'post /v1/magic_links/email/revoke_invite',
  'get /v1/sessions/jwks/{project_id}',
  'get /v1/magic_links/redirect',
  'get /v1/magic_links/events',
  'get /v1/fingerprint/telemetry.js',
  'post /v1/rules/set',
  'post /v1/rules/list',
  'post /v1/verdict_reasons/override',
  'post /v1/verdict_reasons/list',
  'get /v1/email_deliveries',
  'get /health',
]);

interface Operation {
  name: string;
  method: string;
  path: string;
  operation: Schema;
}

/** The operations in the order Swagger UI shows them: by the document's tag order, then by path. */
function operationsAsListed(document: Schema): Operation[] {
  const tags: string[] = document.tags.map((tag: Schema) => tag.name);
  const operations = Object.entries(document.paths as Schema).flatMap(([path, methods]) =>
    Object.entries(methods as Schema).map(([method, operation]) => ({
      name: `${method} ${path}`,
      method,
      path,
      operation,
    })),
  );
  return operations.sort((a, b) => tags.indexOf(a.operation.tags[0]) - tags.indexOf(b.operation.tags[0]));
}

/** The request "Try it out" → Execute sends untouched: every parameter's example, and the body's example. */
function exampleRequest({ name, path, operation }: Operation): { url: string; body?: unknown } {
  let url = path;
  const query = new URLSearchParams();
  for (const parameter of operation.parameters ?? []) {
    const example = parameter.example ?? parameter.schema?.example;
    if (parameter.required) expect({ name, parameter: parameter.name, example }).toHaveProperty('example');
    if (example === undefined) continue;
    if (parameter.in === 'path') url = url.replace(`{${parameter.name}}`, encodeURIComponent(String(example)));
    if (parameter.in === 'query') query.set(parameter.name, String(example));
  }
  if (query.size > 0) url += `?${query.toString()}`;
  if (!operation.requestBody) return { url };
  // Without an explicit example Swagger UI samples every field of the schema: each body operation declares one.
  const examples = operation.requestBody.content['application/json'].examples;
  expect({ name, examples: Object.keys(examples ?? {}).length }).toEqual({ name, examples: 1 });
  return { url, body: Object.values(examples as Schema)[0].value };
}

describe('Swagger UI examples on a fresh gateway', () => {
  let gateway: RunningGateway;
  let document: Schema;
  beforeAll(async () => {
    gateway = await startGateway('sqlite', DEFAULTS);
    document = (await gateway.request('GET', '/docs-json', undefined, { auth: null })).body;
  });
  afterAll(() => gateway.close());

  it('groups embeddable, email and event operations apart, with /health last', () => {
    const tags: string[] = document.tags.map((tag: Schema) => tag.name);
    expect(tags).toEqual(
      expect.arrayContaining(['Email magic links', 'Embeddable magic links', 'Magic link events', 'Operations']),
    );
    expect(tags.at(-1)).toBe('Operations');
    const operations = operationsAsListed(document);
    for (const { name, operation } of operations) {
      expect({ name, tags: operation.tags.length, known: tags.includes(operation.tags[0]) }).toEqual({
        name,
        tags: 1,
        known: true,
      });
    }
    const tagOf = (name: string) => operations.find((operation) => operation.name === name)?.operation.tags[0];
    expect(tagOf('post /v1/magic_links')).toBe('Embeddable magic links');
    expect(tagOf('post /v1/magic_links/email/send')).toBe('Email magic links');
    expect(tagOf('get /v1/magic_links/events')).toBe('Magic link events');
    expect(operations[0].name).toBe('post /v1/users');
    expect(operations.at(-1)!.name).toBe('get /health');
  });

  it('answers every example sent unchanged, top to bottom: success, or 404 for an id that does not exist yet', async () => {
    const outcomes: Record<string, unknown>[] = [];
    const expected: Record<string, unknown>[] = [];
    for (const operation of operationsAsListed(document)) {
      // The frontend SDK's routes answer browsers on authorized origins only, never Swagger UI: nothing to try there.
      if (operation.operation.tags[0] === 'Frontend SDK') continue;
      const { url, body } = exampleRequest(operation);
      const response = await gateway.request(operation.method.toUpperCase(), url, body, {
        auth: operation.operation.security?.length ? DEVELOPMENT_AUTH : null,
      });
      const errorType = response.body?.error_type;
      outcomes.push({ operation: operation.name, status: response.status, ...(errorType && { errorType }) });
      expected.push(
        SUCCEED_AS_GIVEN.has(operation.name)
          ? { operation: operation.name, status: 200 }
          : { operation: operation.name, status: 404, errorType: expect.stringMatching(/_not_found$/) },
      );
    }
    expect(outcomes).toEqual(expected);
  });
});

describe('Swagger UI "Try it out" in Chromium', () => {
  let gateway: RunningGateway;
  let browser: Browser;
  beforeAll(async () => {
    // The public URL names 127.0.0.1 (startGateway sets it); the page is opened at other addresses too.
    gateway = await startGateway('sqlite');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await gateway.close();
  });

  /** Opens /docs at `origin`, authorizes with the credentials, and executes "Create a user" as prefilled. */
  async function createUserFromSwaggerUi(
    page: Page,
    origin: string,
  ): Promise<{ url: string; status: number; body: any }> {
    await page.goto(`${origin}/docs`);
    await page.locator('.auth-wrapper .authorize').click();
    await page.locator('input[name="username"]').fill(PROJECT_ID);
    await page.locator('input[name="password"]').fill(SECRET);
    await page.locator('.auth-btn-wrapper .authorize').click();
    await page.locator('.auth-btn-wrapper .btn-done').click();

    const operation = page.locator('#operations-Users-api_user_v1_Create');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    const answered = page.waitForResponse((response) => response.request().method() === 'POST');
    await operation.getByRole('button', { name: 'Execute' }).click();
    const response = await answered;
    await expect(operation.locator('.live-responses-table tbody .response-col_status').innerText()).resolves.toBe(
      '200',
    );
    return { url: response.url(), status: response.status(), body: await response.json() };
  }

  it('creates a user from /docs opened at 127.0.0.1 and at localhost', async () => {
    const port = new URL(gateway.url).port;
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      try {
        const created = await createUserFromSwaggerUi(page, origin);
        expect({ origin, url: created.url, status: created.status }).toEqual({
          origin,
          url: `${origin}/v1/users`,
          status: 200,
        });
        expect(created.body.user_id).toMatch(/^user-test-/);
        expect(errors).toEqual([]);
        // The example's address is free again for the next origin.
        const deleted = await gateway.request('DELETE', `/v1/users/${created.body.user_id}`, undefined, {
          auth: AUTH,
        });
        expect(deleted.status).toBe(200);
      } finally {
        await page.close();
      }
    }
  }, 90_000);

  // The redirect URLs are left at their defaults here.
  it("follows docs/email.md's first login on a port other than 3000: Continue reaches /authenticate here", async () => {
    expect(new URL(gateway.url).port).not.toBe('3000');
    const link = await sendLoginLink(gateway, { email: 'newcomer@example.com' });
    const person = await launchPersonBrowser();
    try {
      const page = await person.context.newPage();
      await page.goto(link.url);
      // A person reads the page for a moment before pressing the button.
      await page.waitForTimeout(1500);
      await page.getByRole('button', { name: 'Continue' }).click();
      const port = new URL(gateway.url).port;
      await page.waitForURL((url) => url.pathname === '/authenticate', { timeout: 10_000 });
      const landed = new URL(page.url());
      expect(`${landed.origin}${landed.pathname}`).toBe(`http://localhost:${port}/authenticate`);
      expect(landed.searchParams.get('token')).toBe(link.token);
      // No app lives there on the defaults: the gateway itself answers, as docs/email.md says.
      expect(JSON.parse(await page.locator('body').innerText())).toMatchObject({
        status_code: 404,
        error_type: 'route_not_found',
      });
    } finally {
      await person.browser.close();
    }
    const authenticated = await gateway.request('POST', '/v1/magic_links/authenticate', {
      token: link.token,
      session_duration_minutes: 60,
    });
    expect(authenticated.status).toBe(200);
    expect(authenticated.body.user_id).toBe(link.userId);
  });
});
