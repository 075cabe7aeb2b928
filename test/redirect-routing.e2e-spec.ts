import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { launchPersonBrowser, launchScannerBrowser } from './support/browsers.js';
import { emailLoginLink, sendLoginLink, type SentLink } from './support/email-link.js';
import {
  DATABASES,
  expectStytchError,
  freePort,
  queryDatabase,
  startGateway,
  type DatabaseKind,
  type RunningGateway,
} from './support/gateway.js';
import { storedTime } from './support/sessions.js';

/** What `curl` sends: no browser headers at all. */
const CURL = { 'user-agent': 'curl/8.5.0', accept: '*/*' };

/** The app behind the registered redirect URL: it records every request the browser makes to it. */
interface TestApp {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

async function startTestApp(): Promise<TestApp> {
  const hits: string[] = [];
  const port = await freePort();
  const server: Server = createServer((request, response) => {
    hits.push(request.url ?? '');
    response.setHeader('content-type', 'text/html');
    response.end('<!doctype html><title>App</title><h1>Signed in</h1>');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let counter = 0;
const nextEmail = () => `redirect-${Date.now()}-${++counter}@example.com`;

async function authenticate(gateway: RunningGateway, token: string, extra: Record<string, unknown> = {}) {
  return gateway.request('POST', '/v1/magic_links/authenticate', { token, ...extra });
}

async function events(gateway: RunningGateway, emailId: string): Promise<Record<string, any>[]> {
  const response = await gateway.request('GET', `/v1/magic_links/events?email_id=${emailId}`);
  expect(response.status).toBe(200);
  return response.body.events;
}

/** The page with everything that differs per view (CSP nonce, form nonce, the token itself) blanked out. */
function normalized(html: string, token: string): string {
  return html
    .replaceAll(token, 'TOKEN')
    .replace(/nonce="[^"]+"/g, 'nonce="CSP"')
    .replace(/name="nonce" value="[^"]+"/, 'name="nonce" value="NONCE"');
}

function formField(html: string, name: string): string {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1];
}

async function expire(gateway: RunningGateway, database: DatabaseKind, link: SentLink): Promise<void> {
  await queryDatabase(gateway.databaseUrl, 'UPDATE magic_links SET expires_at = $1 WHERE email_id = $2', [
    storedTime(database, new Date(Date.now() - 60_000)),
    link.emailId,
  ]);
}

describe.each(DATABASES)('Redirect routing over HTTP on %s', (database) => {
  let app: TestApp;
  let gateway: RunningGateway;
  let redirectUrl: string;
  beforeAll(async () => {
    app = await startTestApp();
    redirectUrl = `${app.url}/authenticate?next=profile`;
    gateway = await startGateway(database, { MAGIC_LINKS_LOGIN_REDIRECT_URLS: redirectUrl });
  });
  afterAll(async () => {
    await gateway.close();
    await app.close();
  });

  it('answers curl-style GET and HEAD with the page, never the app, and consumes nothing', async () => {
    const link = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    const get = await fetch(link.url, { headers: CURL, redirect: 'manual' });
    const html = await get.text();
    expect(get.status).toBe(200);
    expect(get.headers.get('location')).toBeNull();
    expect(get.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(get.headers.get('cache-control')).toBe('no-store');
    expect(get.headers.get('referrer-policy')).toBe('no-referrer');
    expect(get.headers.get('x-robots-tag')).toContain('noindex');
    const csp = get.headers.get('content-security-policy')!;
    const cspNonce = /script-src 'nonce-([^']+)'/.exec(csp)![1];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(html).toContain(`<script nonce="${cspNonce}">`);
    expect(Buffer.byteLength(html)).toBeLessThan(10 * 1024);
    // The app's URL is nowhere in the page: a scanner reading it learns nothing to follow.
    expect(html).not.toContain(app.url);
    expect(html).not.toContain('stytch_token_type');

    const head = await fetch(link.url, { method: 'HEAD', headers: CURL, redirect: 'manual' });
    expect(head.status).toBe(200);
    expect(head.headers.get('location')).toBeNull();
    expect(head.headers.get('cache-control')).toBe('no-store');
    expect(await head.text()).toBe('');

    expect(app.hits).toEqual([]);
    const authenticated = await authenticate(gateway, link.token);
    expect(authenticated.status).toBe(200);
    expect(authenticated.body.user_id).toBe(link.userId);

    const recorded = await events(gateway, link.emailId);
    expect(recorded.map((event) => event.event_type)).toEqual(['view', 'head']);
    expect(recorded[0]).toMatchObject({
      email_id: link.emailId,
      reason: null,
      automatic: false,
      signals: expect.arrayContaining(['bot_user_agent', 'no_fetch_metadata']),
      attributes: { ip_address: '127.0.0.1', user_agent: 'curl/8.5.0' },
      fingerprint: null,
    });
    expect(recorded[0].seconds_since_sent).toBeGreaterThanOrEqual(0);
    expect(recorded[0].seconds_since_sent).toBeLessThan(60);
  });

  it('renders the same first page for valid, used, expired and unknown tokens', async () => {
    const valid = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    const used = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    expect((await authenticate(gateway, used.token)).status).toBe(200);
    const expired = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    await expire(gateway, database, expired);
    const unknownToken = 'A'.repeat(44);
    const unknownUrl = valid.url.replace(valid.token, unknownToken);

    const pages = [];
    for (const [url, token] of [
      [valid.url, valid.token],
      [used.url, used.token],
      [expired.url, expired.token],
      [unknownUrl, unknownToken],
    ]) {
      const response = await fetch(url, { headers: CURL });
      const headers = Object.fromEntries(
        [...response.headers].filter(([name]) => !['date', 'content-security-policy'].includes(name)),
      );
      delete headers['x-ratelimit-remaining-ip'];
      delete headers['x-ratelimit-remaining-project'];
      delete headers['x-ratelimit-reset-ip'];
      delete headers['x-ratelimit-reset-project'];
      pages.push({ status: response.status, headers, html: normalized(await response.text(), token) });
    }
    expect(pages[1]).toEqual(pages[0]);
    expect(pages[2]).toEqual(pages[0]);
    expect(pages[3]).toEqual(pages[0]);
    expect(app.hits).toEqual([]);
    expect((await authenticate(gateway, valid.token)).status).toBe(200);
  });

  it('refuses a confirm without a valid nonce, and never reveals the app or consumes the token', async () => {
    const link = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    const other = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    const otherPage = await (await fetch(other.url, { headers: CURL })).text();
    const browserLike = {
      'user-agent': CURL['user-agent'],
      'content-type': 'application/x-www-form-urlencoded',
      origin: gateway.url,
      'sec-fetch-site': 'same-origin',
      'sec-fetch-mode': 'navigate',
    };
    for (const nonce of [
      undefined,
      '',
      'forged',
      'mx27hzu0.1SSOS73S4mtY.jf01Y6i54QTkMfgWLNXv5D48i-BW9D5dHS0VvEFn3uI',
      formField(otherPage, 'nonce'),
    ]) {
      const response = await fetch(`${gateway.url}/v1/magic_links/redirect/confirm`, {
        method: 'POST',
        headers: browserLike,
        body: new URLSearchParams({ token: link.token, ...(nonce === undefined ? {} : { nonce }) }),
        redirect: 'manual',
      });
      expect({ nonce, status: response.status, location: response.headers.get('location') }).toEqual({
        nonce,
        status: 403,
        location: null,
      });
      expect(await response.text()).not.toContain(app.url);
    }
    // An empty POST, as a link checker might send, is refused the same way (no token: no link to record it on).
    const empty = await fetch(`${gateway.url}/v1/magic_links/redirect/confirm`, { method: 'POST', redirect: 'manual' });
    expect(empty.status).toBe(403);

    const recorded = await events(gateway, link.emailId);
    expect(recorded.map((event) => [event.event_type, event.reason])).toEqual(
      Array.from({ length: 5 }, () => ['blocked', 'invalid_nonce']),
    );
    expect(app.hits).toEqual([]);
    expect((await authenticate(gateway, link.token)).status).toBe(200);
  });

  it("refuses curl's confirm even with the page's own nonce, for its headers", async () => {
    const link = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    const page = await (await fetch(link.url, { headers: CURL })).text();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const response = await fetch(`${gateway.url}/v1/magic_links/redirect/confirm`, {
      method: 'POST',
      headers: { ...CURL, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: link.token, nonce: formField(page, 'nonce') }),
      redirect: 'manual',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('location')).toBeNull();
    const [, blocked] = await events(gateway, link.emailId);
    expect(blocked).toMatchObject({ event_type: 'blocked', reason: 'bot_user_agent' });
    expect(blocked.signals).toEqual(expect.arrayContaining(['bot_user_agent', 'no_fetch_metadata', 'no_script']));
    expect(app.hits).toEqual([]);
    expect((await authenticate(gateway, link.token)).status).toBe(200);
  });

  it('refuses device_match_required for a link nobody confirmed, without burning it, for a verified email too', async () => {
    const email = nextEmail();
    const first = await sendLoginLink(gateway, { email, redirectUrl });
    // The first authenticate verifies the email: the next link takes the path where consuming is all there is to do.
    expect((await authenticate(gateway, first.token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // one send per second per email
    const { token } = await emailLoginLink(gateway, { email, redirectUrl });
    await fetch(first.url.replace(first.token, token), { headers: CURL }); // viewed by a scanner, never confirmed
    const attributes = { ip_address: '127.0.0.1', user_agent: CURL['user-agent'] };
    expectStytchError(
      await authenticate(gateway, token, { attributes, options: { device_match_required: true } }),
      401,
      'attribute_mismatch',
    );
    expect((await authenticate(gateway, token)).status).toBe(200);
  });

  it("localizes the page in the link's locale, and an unknown token's in the browser's language", async () => {
    const spanish = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl, locale: 'es' });
    const html = await (await fetch(spanish.url, { headers: { ...CURL, 'accept-language': 'fr' } })).text();
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('>Continuar</button>');
    const unknown = spanish.url.replace(spanish.token, 'B'.repeat(44));
    const french = await (await fetch(unknown, { headers: { ...CURL, 'accept-language': 'fr-CA,fr;q=0.9' } })).text();
    expect(french).toContain('<html lang="fr">');
    const portuguese = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl, locale: 'pt-br' });
    expect(await (await fetch(portuguese.url, { headers: CURL })).text()).toContain('<html lang="pt-BR">');
  });

  it('lists events by email_id or magic_link_id, with Basic auth, one filter at a time', async () => {
    const link = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    await fetch(link.url, { headers: CURL });
    const [view] = await events(gateway, link.emailId);
    const byLink = await gateway.request('GET', `/v1/magic_links/events?magic_link_id=${view.magic_link_id}`);
    expect(byLink.status).toBe(200);
    expect(byLink.body.events).toEqual([view]);
    expect(byLink.body.request_id).toMatch(/^request-id-test-/);

    expectStytchError(
      await gateway.request('GET', `/v1/magic_links/events?email_id=${link.emailId}`, undefined, { auth: null }),
      401,
      'unauthorized_credentials',
    );
    expectStytchError(await gateway.request('GET', '/v1/magic_links/events'), 400, 'bad_request');
    expectStytchError(
      await gateway.request(
        'GET',
        `/v1/magic_links/events?email_id=${link.emailId}&magic_link_id=${view.magic_link_id}`,
      ),
      400,
      'bad_request',
    );
    const malformed = await gateway.request('GET', '/v1/magic_links/events?email_id=nope');
    expectStytchError(malformed, 400, 'bad_request');
    expect(malformed.body.error_message).toContain('email_id');
  });
});

describe('Redirect routing in a real browser (click mode)', () => {
  let app: TestApp;
  let gateway: RunningGateway;
  let redirectUrl: string;
  beforeAll(async () => {
    app = await startTestApp();
    redirectUrl = `${app.url}/authenticate?next=profile`;
    gateway = await startGateway('sqlite', { MAGIC_LINKS_LOGIN_REDIRECT_URLS: redirectUrl });
  });
  afterAll(async () => {
    await gateway.close();
    await app.close();
  });

  /** A person reads the page for a moment, then presses the button. */
  async function clickContinue(page: Page): Promise<void> {
    await page.waitForTimeout(1500);
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  it("a person's click reaches the app with the token, and authenticate then succeeds", async () => {
    const link = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    const { browser, context, userAgent } = await launchPersonBrowser();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      const response = await page.goto(link.url);
      expect(response?.status()).toBe(200);
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Continue signing in');
      await clickContinue(page);
      await page.waitForURL((url) => url.href.startsWith(app.url), { timeout: 10_000 });

      const landed = new URL(page.url());
      expect(landed.pathname).toBe('/authenticate');
      expect(landed.searchParams.get('next')).toBe('profile');
      expect(landed.searchParams.get('stytch_token_type')).toBe('magic_links');
      expect(landed.searchParams.get('token')).toBe(link.token);
      // The browser may also ask the app for /favicon.ico; the token arrives exactly once.
      expect(app.hits.filter((hit) => hit.includes(link.token))).toHaveLength(1);
      expect(errors).toEqual([]);

      // The device that clicked is the one the app reports: device_match_required holds for it and no other.
      expectStytchError(
        await authenticate(gateway, link.token, {
          attributes: { user_agent: 'Mozilla/5.0 (Windows NT 10.0) Other/1.0' },
          options: { device_match_required: true },
        }),
        401,
        'attribute_mismatch',
      );
      const authenticated = await authenticate(gateway, link.token, {
        attributes: { ip_address: '127.0.0.1', user_agent: userAgent },
        options: { device_match_required: true },
      });
      expect(authenticated.status).toBe(200);
      expect(authenticated.body.user_id).toBe(link.userId);

      const [view, confirm] = await events(gateway, link.emailId);
      expect(view).toMatchObject({ event_type: 'view', signals: [] });
      expect(confirm).toMatchObject({
        event_type: 'confirm',
        reason: null,
        automatic: false,
        signals: [],
        attributes: { ip_address: '127.0.0.1', user_agent: userAgent },
      });
      expect(confirm.attributes.client_hints.brands).toContain('Chromium');
      expect(confirm.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    } finally {
      await browser.close();
    }
  });

  it('a headless browser that loads the link and runs its scripts for 10 s never reaches the app', async () => {
    const link = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    const browser = await launchScannerBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(link.url);
      await page.waitForTimeout(10_000);
      expect(new URL(page.url()).origin).toBe(gateway.url);
      expect(app.hits.filter((hit) => hit.includes(link.token))).toEqual([]);
    } finally {
      await browser.close();
    }
    const recorded = await events(gateway, link.emailId);
    expect(recorded).toEqual([
      expect.objectContaining({ event_type: 'view', signals: expect.arrayContaining(['headless_user_agent']) }),
    ]);
    expect((await authenticate(gateway, link.token)).status).toBe(200);
  }, 40_000);

  it('a headless browser that clicks is refused for its automation signals, and the token survives', async () => {
    const link = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    const browser = await launchScannerBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(link.url);
      await clickContinue(page);
      await page.getByRole('alert').waitFor();
      expect(new URL(page.url()).origin).toBe(gateway.url);
      expect(await page.getByRole('alert').innerText()).toContain('press Continue again');
    } finally {
      await browser.close();
    }
    const [, blocked] = await events(gateway, link.emailId);
    expect(blocked).toMatchObject({ event_type: 'blocked', reason: 'headless_user_agent' });
    expect(blocked.signals).toEqual(expect.arrayContaining(['headless_user_agent', 'webdriver']));
    expect(app.hits.filter((hit) => hit.includes(link.token))).toEqual([]);
    expect((await authenticate(gateway, link.token)).status).toBe(200);
  });

  it('with JavaScript off, the plain form button reaches the app', async () => {
    const link = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    const { browser, userAgent } = await launchPersonBrowser();
    try {
      const context = await browser.newContext({ userAgent, javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(link.url);
      await clickContinue(page);
      await page.waitForURL((url) => url.href.startsWith(app.url), { timeout: 10_000 });
      expect(new URL(page.url()).searchParams.get('token')).toBe(link.token);
    } finally {
      await browser.close();
    }
    const [, confirm] = await events(gateway, link.emailId);
    expect(confirm).toMatchObject({ event_type: 'confirm', signals: ['no_script'], fingerprint: null });
  });

  it('a used or expired link says so at the confirm step, and how to get a new one', async () => {
    const used = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    const expired = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl, locale: 'fr' });
    const { browser, context } = await launchPersonBrowser();
    try {
      const page = await context.newPage();
      await page.goto(used.url);
      expect((await authenticate(gateway, used.token)).status).toBe(200);
      await clickContinue(page);
      await page.getByText('can no longer be used').waitFor();
      expect(await page.locator('body').innerText()).toContain('ask for a new link');

      await page.goto(expired.url);
      await expire(gateway, 'sqlite', expired);
      await page.waitForTimeout(1500);
      await page.getByRole('button', { name: 'Continuer' }).click();
      await page.getByText('Ce lien ne peut plus être utilisé').waitFor();
    } finally {
      await browser.close();
    }
    expect((await events(gateway, used.emailId)).at(-1)).toMatchObject({ event_type: 'blocked', reason: 'link_used' });
    expect((await events(gateway, expired.emailId)).at(-1)).toMatchObject({ reason: 'link_expired' });
    expect(app.hits.filter((hit) => hit.includes(used.token) || hit.includes(expired.token))).toEqual([]);
  });

  it('is readable on a phone: one full-width button, no horizontal scrolling', async () => {
    const link = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    const { browser, userAgent } = await launchPersonBrowser();
    try {
      const context = await browser.newContext({ userAgent, viewport: { width: 360, height: 640 }, isMobile: true });
      const page = await context.newPage();
      await page.goto(link.url);
      const button = await page.getByRole('button', { name: 'Continue' }).boundingBox();
      expect(button!.height).toBeGreaterThanOrEqual(44);
      expect(button!.width).toBeGreaterThan(280);
      expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(360);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
    } finally {
      await browser.close();
    }
  });
});

describe('Redirect routing in a real browser (auto mode)', () => {
  let app: TestApp;
  let gateway: RunningGateway;
  let redirectUrl: string;
  beforeAll(async () => {
    app = await startTestApp();
    redirectUrl = `${app.url}/authenticate`;
    gateway = await startGateway('sqlite', {
      MAGIC_LINKS_LOGIN_REDIRECT_URLS: redirectUrl,
      MAGIC_LINKS_REDIRECT_MODE: 'auto',
    });
  });
  afterAll(async () => {
    await gateway.close();
    await app.close();
  });

  it('continues by itself, without a click, for a browser with no sign of automation', async () => {
    const link = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    const { browser, context } = await launchPersonBrowser();
    try {
      const page = await context.newPage();
      await page.goto(link.url);
      await page.waitForURL((url) => url.href.startsWith(app.url), { timeout: 10_000 });
      expect(new URL(page.url()).searchParams.get('token')).toBe(link.token);
    } finally {
      await browser.close();
    }
    const [, confirm] = await events(gateway, link.emailId);
    expect(confirm).toMatchObject({ event_type: 'confirm', automatic: true, signals: [] });
    expect((await authenticate(gateway, link.token)).status).toBe(200);
  });

  it("stays on the page for 10 s in a scanner's headless browser, and the token survives", async () => {
    const link = await sendLoginLink(gateway, { email: nextEmail(), redirectUrl });
    const browser: Browser = await launchScannerBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(link.url);
      await page.waitForTimeout(10_000);
      expect(new URL(page.url()).origin).toBe(gateway.url);
      // The refused automatic confirm leaves the button, quietly, for a person to press.
      await expect(page.getByRole('button', { name: 'Continue' }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole('alert').count()).resolves.toBe(0);
    } finally {
      await browser.close();
    }
    const [view, blocked, ...rest] = await events(gateway, link.emailId);
    expect(view.event_type).toBe('view');
    expect(blocked).toMatchObject({ event_type: 'blocked', automatic: true, reason: 'headless_user_agent' });
    expect(rest).toEqual([]);
    expect(app.hits.filter((hit) => hit.includes(link.token))).toEqual([]);
    expect((await authenticate(gateway, link.token)).status).toBe(200);
  }, 40_000);
});
