import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Client } from 'stytch';
import { launchPersonBrowser } from './support/browsers.js';
import {
  expectStytchError,
  freePort,
  queryDatabase,
  startGateway,
  type GatewayResponse,
  type RunningGateway,
} from './support/gateway.js';
import { officialClient, storedTime } from './support/sessions.js';
import { linkIn, startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { throwawayCertificate, trustingAgent, trustingFetch } from './support/tls.js';

/**
 * Stytch's own frontend SDK, the published @stytch/vanilla-js bundle from node_modules, in Chromium, pointed at the
 * gateway with `customBaseUrl`. The SDK calls `https://<that host>` on port 443, so the gateway serves TLS under a
 * test hostname that Chromium maps to its port.
 */
const GATEWAY_HOST = 'sdk-gateway.test';
const PUBLIC_TOKEN = 'public-token-test-5dc1b6c6-4a4e-4f0b-9a52-2a1bd7e2f4a1';
// The published browser bundle, served as it was installed: no copy, no build step.
const SDK_BUNDLE = fileURLToPath(new URL('../node_modules/@stytch/vanilla-js/dist/iife/index.js', import.meta.url));

/** The app: its pages load the SDK; its backend verifies the SDK's session cookie with the official client. */
interface App {
  /** The authorized origin. */
  origin: string;
  /** The same server under another origin, which is not authorized. */
  otherOrigin: string;
  close(): Promise<void>;
}

function page(body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>App</title>
<script src="/stytch.js"></script>
<script>
  window.client = new stytch.StytchClient(${JSON.stringify(PUBLIC_TOKEN)}, { customBaseUrl: ${JSON.stringify(`https://${GATEWAY_HOST}`)} });
</script></head><body>${body}</body></html>`;
}

async function startApp(backend: () => Client): Promise<App> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const redirectUrl = `${origin}/authenticate`;
  const pages: Record<string, string> = {
    // The prebuilt login form as @stytch/vanilla-js 6 recommends it, the <stytch-ui> web component. (Its deprecated
    // mountLogin() renders nothing on its first call in 6.3.0: it appends the element before giving it its props.)
    '/login': page(`<stytch-ui id="login"></stytch-ui><script>
      customElements.define('stytch-ui', stytch.StytchUI);
      document.getElementById('login').render({
        client: window.client,
        config: {
          products: [stytch.Products.emailMagicLinks],
          emailMagicLinksOptions: { loginRedirectURL: ${JSON.stringify(redirectUrl)}, signupRedirectURL: ${JSON.stringify(redirectUrl)} },
        },
      });
    </script>`),
    '/headless': page('<h1>Headless</h1>'),
    '/authenticate': page(`<h1 id="status">Signing in…</h1><script>
      const token = new URLSearchParams(location.search).get('token');
      window.authenticated = window.client.magicLinks.authenticate(token, { session_duration_minutes: 60 }).then(
        (result) => { document.getElementById('status').textContent = 'Signed in'; return result; },
        (error) => { document.getElementById('status').textContent = 'Failed'; return { error: error.error_type ?? error.name }; },
      );
    </script>`),
  };
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/stytch.js') {
      response.setHeader('content-type', 'text/javascript');
      createReadStream(SDK_BUNDLE).pipe(response);
      return;
    }
    if (path === '/api/me') {
      // The app's backend: the session JWT the SDK keeps in its cookie, checked by the gateway through the official client.
      const jwt = /(?:^|;\s*)stytch_session_jwt=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
      backend()
        .sessions.authenticate({ session_jwt: decodeURIComponent(jwt ?? '') })
        .then(
          (result) => ({ status: 200, body: { user_id: result.user.user_id, session_id: result.session.session_id } }),
          (error: { status_code?: number; error_type?: string }) => ({
            status: error.status_code ?? 500,
            body: { error_type: error.error_type },
          }),
        )
        .then(({ status, body }) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(body));
        });
      return;
    }
    response.setHeader('content-type', 'text/html');
    response.end(pages[path] ?? '<!doctype html><title>App</title>');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin,
    otherOrigin: `http://localhost:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let counter = 0;
const nextEmail = () => `sdk-${Date.now()}-${++counter}@example.com`;

describe('Stytch frontend SDK (@stytch/vanilla-js) against the gateway', () => {
  const certificate = throwawayCertificate(GATEWAY_HOST);
  const gatewayFetch = trustingFetch(certificate.cert);
  let smtp: SmtpSink;
  let app: App;
  let backend: Client;
  let gateway: RunningGateway;
  let browser: Browser;
  let userAgent: string;
  let context: BrowserContext;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startApp(() => backend);
    gateway = await startGateway(
      'sqlite',
      {
        TLS_CERT_FILE: certificate.certFile,
        TLS_KEY_FILE: certificate.keyFile,
        MAGIC_LINKS_PUBLIC_URL: `https://${GATEWAY_HOST}`,
        MAGIC_LINKS_PUBLIC_TOKEN: PUBLIC_TOKEN,
        MAGIC_LINKS_SDK_AUTHORIZED_ORIGINS: app.origin,
        MAGIC_LINKS_LOGIN_REDIRECT_URLS: `${app.origin}/authenticate`,
        MAGIC_LINKS_SIGNUP_REDIRECT_URLS: `${app.origin}/authenticate`,
        SMTP_URL: smtp.url,
      },
      { ca: certificate.cert },
    );
    backend = officialClient(gateway, trustingAgent(certificate.cert));
    const port = new URL(gateway.url).port;
    // The SDK calls https://sdk-gateway.test (port 443): Chromium resolves that name to the gateway's port.
    let firstContext: BrowserContext;
    ({
      browser,
      userAgent,
      context: firstContext,
    } = await launchPersonBrowser({
      args: [`--host-resolver-rules=MAP ${GATEWAY_HOST} 127.0.0.1:${port}`],
    }));
    await firstContext.close();
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await app?.close();
    await smtp?.stop();
  });
  beforeEach(async () => {
    // A fresh browser profile per test: no cookie, no PKCE verifier left from another test.
    context = await browser.newContext({ userAgent, ignoreHTTPSErrors: true });
  });
  afterEach(() => context?.close());

  /** What the person does with the mail: opens the link, passes the redirect page, lands on the app. */
  async function followEmailedLink(page: Page, email: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (smtp.mailsTo(email).length === 0) {
      if (Date.now() > deadline) throw new Error(`no mail to ${email}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const link = linkIn(smtp.mailsTo(email).at(-1)!);
    expect(link.origin).toBe(`https://${GATEWAY_HOST}`);
    expect(link.pathname).toBe('/v1/magic_links/redirect');
    await page.goto(link.href);
    // The redirect page's timing check wants a person's pause before the click.
    await page.waitForTimeout(1500);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${app.origin}/authenticate?`), { timeout: 10_000 });
  }

  async function sessionCookies(): Promise<Record<string, string>> {
    const cookies = await context.cookies(app.origin);
    return Object.fromEntries(
      cookies.filter((cookie) => cookie.name.startsWith('stytch_session')).map((cookie) => [cookie.name, cookie.value]),
    );
  }

  it('prebuilt login form: email sent, link followed, session held by the SDK, verified by the backend, revoked', async () => {
    const email = nextEmail();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${app.origin}/login`);
    await page.locator('input[type="email"]').fill(email);
    await page.getByRole('button', { name: 'Continue with email' }).click();
    await expect(page.getByText('Check your email').waitFor({ timeout: 10_000 })).resolves.toBeUndefined();
    await page.getByText(email).first().waitFor();

    await followEmailedLink(page, email);
    const authenticated = await page.evaluate(() => (globalThis as any).authenticated);
    expect(authenticated).toMatchObject({
      user: { emails: [{ email, verified: true }], status: 'active' },
      session: { authentication_factors: [{ delivery_method: 'email', email_factor: { email_address: email } }] },
    });
    expect(authenticated.session_token).toEqual(expect.any(String));
    await expect(page.locator('#status').innerText()).resolves.toBe('Signed in');

    // The SDK keeps the session in its cookies on the app's origin, and knows the user.
    const cookies = await sessionCookies();
    expect(cookies).toEqual({
      stytch_session: authenticated.session_token,
      stytch_session_jwt: authenticated.session_jwt,
    });
    const user = await page.evaluate(() => (globalThis as any).client.user.get());
    expect(user).toMatchObject({ user_id: authenticated.user_id, emails: [{ email, verified: true }] });

    // The app's backend reads the SDK's JWT cookie and has the official client check it with the gateway.
    const me = await page.evaluate(() => fetch('/api/me').then((response) => response.json()));
    expect(me).toEqual({ user_id: authenticated.user_id, session_id: authenticated.session.session_id });

    // Sign out: the session ends at the gateway and the SDK forgets it.
    await page.evaluate(() => (globalThis as any).client.session.revoke());
    expect(await sessionCookies()).toEqual({});
    await expect(backend.sessions.authenticate({ session_token: authenticated.session_token })).rejects.toMatchObject({
      error_type: 'session_not_found',
    });
    expect(pageErrors).toEqual([]);
  });

  it('headless client: loginOrCreate with PKCE, authenticate, session.authenticate, user.get, revoke', async () => {
    const email = nextEmail();
    const page = await context.newPage();
    await page.goto(`${app.origin}/headless`);
    const sent = await page.evaluate(
      ([address, url]) =>
        (globalThis as any).client.magicLinks.email.loginOrCreate(address, {
          login_magic_link_url: url,
          signup_magic_link_url: url,
          login_expiration_minutes: 30,
        }),
      [email, `${app.origin}/authenticate`],
    );
    expect(sent).toMatchObject({ user_created: true, status_code: 200, request_id: expect.any(String) });

    // The SDK asked for the link with a PKCE challenge: without this browser's verifier the token does not work.
    const [stored] = await queryDatabase<{ code_challenge: string | null }>(
      gateway.databaseUrl,
      'SELECT code_challenge FROM magic_links WHERE user_id = $1',
      [sent.user_id],
    );
    expect(stored.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await followEmailedLink(page, email);
    const token = new URL(page.url()).searchParams.get('token')!;
    const authenticated = await page.evaluate(() => (globalThis as any).authenticated);
    expect(authenticated).toMatchObject({ user_id: sent.user_id, session: { user_id: sent.user_id } });
    expectStytchError(
      await sdkRequest('POST', '/magic_links/authenticate', { token, session_duration_minutes: 5 }),
      401,
      'unable_to_auth_magic_link',
    );

    const refreshed = await page.evaluate(() =>
      (globalThis as any).client.session.authenticate({ session_duration_minutes: 120 }),
    );
    expect(refreshed.session.session_id).toBe(authenticated.session.session_id);
    expect(Date.parse(refreshed.session.expires_at)).toBeGreaterThan(Date.parse(authenticated.session.expires_at));
    await expect(page.evaluate(() => (globalThis as any).client.user.get())).resolves.toMatchObject({
      user_id: sent.user_id,
    });
    await expect(page.evaluate(() => fetch('/api/me').then((response) => response.json()))).resolves.toMatchObject({
      user_id: sent.user_id,
    });

    await page.evaluate(() => (globalThis as any).client.session.revoke());
    expect(await page.evaluate(() => (globalThis as any).client.session.getSync())).toBeNull();
    await expect(
      page.evaluate(() =>
        (globalThis as any).client.user.get().then(
          () => 'answered',
          (error: any) => error.error_type,
        ),
      ),
    ).resolves.toBe('unauthorized_credentials');
  });

  it('a page on an unauthorized origin gets nothing: no answer readable, no mail sent', async () => {
    const email = nextEmail();
    const page = await context.newPage();
    await page.goto(`${app.otherOrigin}/headless`);
    const outcome = await page.evaluate(
      (address) =>
        (globalThis as any).client.magicLinks.email.loginOrCreate(address).then(
          () => 'sent',
          (error: Error) => error.name,
        ),
      email,
    );
    expect(outcome).toBe('StytchAPIUnreachableError');
    // The browser's preflight was refused, so the request itself never reached the gateway.
    const users = await queryDatabase(gateway.databaseUrl, 'SELECT id FROM user_emails WHERE email = $1', [email]);
    expect(users).toEqual([]);
    expect(smtp.mailsTo(email)).toEqual([]);
  });

  /** A request as the SDK sends it, from the authorized origin unless `origin` says otherwise. */
  async function sdkRequest(
    method: string,
    path: string,
    body?: unknown,
    options: { origin?: string | null; publicToken?: string; sessionToken?: string } = {},
  ): Promise<GatewayResponse> {
    const publicToken = options.publicToken ?? PUBLIC_TOKEN;
    const origin = options.origin === undefined ? app.origin : options.origin;
    const response = await gatewayFetch(`${gateway.url}/sdk/v1${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${publicToken}:${options.sessionToken ?? publicToken}`).toString('base64')}`,
        'content-type': 'application/json',
        'x-sdk-client': Buffer.from('{}').toString('base64'),
        ...(origin === null ? {} : { origin }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  /** A link asked for through the SDK API with a PKCE challenge: its token, from the mail. */
  async function sdkLink(email: string, codeChallenge: string): Promise<string> {
    const sent = await sdkRequest('POST', '/magic_links/email/login_or_create', {
      email,
      code_challenge: codeChallenge,
    });
    expect(sent.status).toBe(200);
    const deadline = Date.now() + 10_000;
    while (smtp.mailsTo(email).length === 0) {
      if (Date.now() > deadline) throw new Error(`no mail to ${email}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return linkIn(smtp.mailsTo(email)[0]).searchParams.get('token')!;
  }

  describe('over HTTP', () => {
    // base64url(SHA-256("a-verifier-of-at-least-43-characters-0123456789")): RFC 7636's S256.
    const VERIFIER = 'a-verifier-of-at-least-43-characters-0123456789';
    const CHALLENGE = createChallenge(VERIFIER);

    it('answers the bootstrap in the `data` envelope, with CORS for the authorized origin only', async () => {
      const bootstrap = await sdkRequest('GET', `/projects/bootstrap/${PUBLIC_TOKEN}`);
      expect(bootstrap.status).toBe(200);
      expect(bootstrap.headers.get('access-control-allow-origin')).toBe(app.origin);
      expect(bootstrap.headers.get('access-control-allow-credentials')).toBe('true');
      expect(bootstrap.body).toEqual({
        data: expect.objectContaining({
          request_id: expect.stringMatching(/^request-id-test-/),
          status_code: 200,
          vertical: 'CONSUMER',
          pkce_required_for_email_magic_links: true,
          captcha_settings: { enabled: false },
          dfp_protected_auth_enabled: false,
        }),
      });

      const preflight = await gatewayFetch(`${gateway.url}/sdk/v1/magic_links/authenticate`, {
        method: 'OPTIONS',
        headers: { origin: app.origin, 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(app.origin);
      expect(preflight.headers.get('access-control-allow-headers')).toContain('X-SDK-Client');
      // CORS is the SDK's routes' alone: the backend API keeps none.
      const backendPreflight = await gatewayFetch(`${gateway.url}/v1/users`, {
        method: 'OPTIONS',
        headers: { origin: app.origin, 'access-control-request-method': 'POST' },
      });
      expect(backendPreflight.headers.get('access-control-allow-origin')).toBeNull();

      const events = await sdkRequest('POST', '/events', [{ telemetry: {}, event: { event_name: 'x' } }]);
      expect(events.status).toBe(200);

      // The API reference lists the SDK's routes under their own tag.
      const reference = await gateway.request('GET', '/docs-json', undefined, { auth: null });
      const sdkOperations = Object.entries(reference.body.paths as Record<string, Record<string, { tags: string[] }>>)
        .filter(([path]) => path.startsWith('/sdk/v1/'))
        .flatMap(([path, operations]) =>
          Object.entries(operations).map(([method, operation]) => [`${method} ${path}`, operation.tags]),
        );
      expect(Object.fromEntries(sdkOperations)).toEqual({
        'get /sdk/v1/projects/bootstrap/{public_token}': ['Frontend SDK'],
        'post /sdk/v1/magic_links/email/login_or_create': ['Frontend SDK'],
        'post /sdk/v1/magic_links/email/send/primary': ['Frontend SDK'],
        'post /sdk/v1/magic_links/email/send/secondary': ['Frontend SDK'],
        'post /sdk/v1/magic_links/authenticate': ['Frontend SDK'],
        'post /sdk/v1/sessions/authenticate': ['Frontend SDK'],
        'post /sdk/v1/sessions/revoke': ['Frontend SDK'],
        'get /sdk/v1/users/me': ['Frontend SDK'],
        'post /sdk/v1/events': ['Frontend SDK'],
      });
    });

    it('refuses other origins, a missing origin and a foreign public token, with errors that say what to fix', async () => {
      for (const origin of [app.otherOrigin, null]) {
        const refused = await sdkRequest('GET', `/projects/bootstrap/${PUBLIC_TOKEN}`, undefined, { origin });
        expectStytchError(refused, 403, 'origin_not_authorized');
        expect(refused.body.error_message).toContain('MAGIC_LINKS_SDK_AUTHORIZED_ORIGINS');
        expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      }
      const preflight = await gatewayFetch(`${gateway.url}/sdk/v1/magic_links/email/login_or_create`, {
        method: 'OPTIONS',
        headers: { origin: app.otherOrigin, 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(403);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();

      const foreign = 'public-token-test-00000000-0000-4000-8000-000000000000';
      for (const path of [`/projects/bootstrap/${PUBLIC_TOKEN}`, '/magic_links/email/login_or_create']) {
        const refused = await sdkRequest(
          path.includes('bootstrap') ? 'GET' : 'POST',
          path,
          path.includes('bootstrap') ? undefined : { email: nextEmail() },
          {
            publicToken: foreign,
          },
        );
        expectStytchError(refused, 401, 'unauthorized_credentials');
        // The authorized origin still reads the error, so the SDK can show it.
        expect(refused.headers.get('access-control-allow-origin')).toBe(app.origin);
      }
      expectStytchError(await sdkRequest('GET', `/projects/bootstrap/${foreign}`), 401, 'unauthorized_credentials');
    });

    it('sends only to registered redirect URLs, and only with a PKCE challenge', async () => {
      const unregistered = await sdkRequest('POST', '/magic_links/email/login_or_create', {
        email: nextEmail(),
        login_magic_link_url: `${app.otherOrigin}/authenticate`,
        code_challenge: CHALLENGE,
      });
      expectStytchError(unregistered, 400, 'no_match_for_provided_magic_link_url');
      expect(unregistered.headers.get('access-control-allow-origin')).toBe(app.origin);
      const email = nextEmail();
      expectStytchError(
        await sdkRequest('POST', '/magic_links/email/login_or_create', { email }),
        400,
        'invalid_pkce_code_challenge',
      );
      expect(await queryDatabase(gateway.databaseUrl, 'SELECT id FROM user_emails WHERE email = $1', [email])).toEqual(
        [],
      );
    });

    it('refuses unknown, expired and used tokens and a wrong verifier, leaving a good token usable', async () => {
      expectStytchError(
        await sdkRequest('POST', '/magic_links/authenticate', { token: 'A'.repeat(44), session_duration_minutes: 60 }),
        404,
        'magic_link_not_found',
      );

      const expiring = nextEmail();
      const expiredToken = await sdkLink(expiring, CHALLENGE);
      await queryDatabase(
        gateway.databaseUrl,
        'UPDATE magic_links SET expires_at = $1 WHERE user_id = (SELECT user_id FROM user_emails WHERE email = $2)',
        [storedTime('sqlite', new Date(Date.now() - 60_000)), expiring],
      );
      expectStytchError(
        await sdkRequest('POST', '/magic_links/authenticate', {
          token: expiredToken,
          code_verifier: VERIFIER,
          session_duration_minutes: 60,
        }),
        401,
        'unable_to_auth_magic_link',
      );

      const token = await sdkLink(nextEmail(), CHALLENGE);
      expectStytchError(
        await sdkRequest('POST', '/magic_links/authenticate', { token, session_duration_minutes: 60 }),
        400,
        'pkce_expected_code_verifier',
      );
      expectStytchError(
        await sdkRequest('POST', '/magic_links/authenticate', {
          token,
          code_verifier: `${VERIFIER}-wrong`,
          session_duration_minutes: 60,
        }),
        400,
        'pkce_mismatch',
      );
      expectStytchError(
        await sdkRequest('POST', '/magic_links/authenticate', { token, code_verifier: VERIFIER }),
        400,
        'invalid_session_duration_minutes',
      );
      const authenticated = await sdkRequest('POST', '/magic_links/authenticate', {
        token,
        code_verifier: VERIFIER,
        session_duration_minutes: 60,
      });
      expect(authenticated.status).toBe(200);
      expect(authenticated.body.data).toMatchObject({ status_code: 200, session_token: expect.any(String) });
      expectStytchError(
        await sdkRequest('POST', '/magic_links/authenticate', {
          token,
          code_verifier: VERIFIER,
          session_duration_minutes: 60,
        }),
        401,
        'unable_to_auth_magic_link',
      );

      // The session: readable with its token, gone once revoked.
      const sessionToken = authenticated.body.data.session_token as string;
      expect((await sdkRequest('GET', '/users/me', undefined, { sessionToken })).body.data).toMatchObject({
        user_id: authenticated.body.data.user_id,
      });
      expectStytchError(await sdkRequest('GET', '/users/me'), 401, 'unauthorized_credentials');

      // magicLinks.email.send: signed out, to an existing address only; signed in, it adds the address to the user.
      const userEmail = (await sdkRequest('GET', '/users/me', undefined, { sessionToken })).body.data.emails[0].email;
      expectStytchError(
        await sdkRequest('POST', '/magic_links/email/send/primary', { email: nextEmail(), code_challenge: CHALLENGE }),
        404,
        'email_not_found',
      );
      const existing = (await gateway.request('POST', '/v1/users', { email: nextEmail() })).body;
      const resent = await sdkRequest('POST', '/magic_links/email/send/primary', {
        email: existing.user.emails[0].email,
        code_challenge: CHALLENGE,
      });
      expect(resent.body.data).toMatchObject({ user_id: existing.user_id, status_code: 200 });
      const added = nextEmail();
      const secondary = await sdkRequest(
        'POST',
        '/magic_links/email/send/secondary',
        { email: added, code_challenge: CHALLENGE },
        { sessionToken },
      );
      expect(secondary.body.data).toMatchObject({ user_id: authenticated.body.data.user_id });
      expect((await sdkRequest('GET', '/users/me', undefined, { sessionToken })).body.data.emails).toEqual([
        expect.objectContaining({ email: userEmail, verified: true }),
        expect.objectContaining({ email: added, verified: false }),
      ]);
      expect((await sdkRequest('POST', '/sessions/revoke', undefined, { sessionToken })).status).toBe(200);
      expectStytchError(
        await sdkRequest('POST', '/sessions/authenticate', {}, { sessionToken }),
        404,
        'session_not_found',
      );
    });

    it('limits sends per email on a budget of its own, answering 429 the SDK can read', async () => {
      const email = nextEmail();
      const body = { email, code_challenge: CHALLENGE };
      expect((await sdkRequest('POST', '/magic_links/email/login_or_create', body)).status).toBe(200);
      const limited = await sdkRequest('POST', '/magic_links/email/login_or_create', body);
      expectStytchError(limited, 429, 'too_many_requests');
      expect(limited.headers.get('access-control-allow-origin')).toBe(app.origin);
      // Strangers calling the SDK API cannot use up what the project's backend may send to this address.
      expect((await gateway.request('POST', '/v1/magic_links/email/login_or_create', { email })).status).toBe(200);
    });
  });
});

function createChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
