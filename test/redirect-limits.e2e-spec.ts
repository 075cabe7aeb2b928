import { request as httpRequest } from 'node:http';
import { sendLoginLink, type SentLink } from './support/email-link.js';
import { DATABASES, queryDatabase, startGateway, type DatabaseKind, type RunningGateway } from './support/gateway.js';
import { storedTime } from './support/sessions.js';

const REDIRECT_URL = 'http://127.0.0.1:9/authenticate';
const PER_LINK = 5;
const PER_IP = 12;
/** A person's browser: not a bot by its User-Agent, with fetch metadata, and no Chromium client hints to expect. */
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const CURL = { 'user-agent': 'curl/8.5.0', accept: '*/*' };

let counter = 0;
const nextEmail = () => `limits-${Date.now()}-${++counter}@example.com`;

/** One request for the link's page, sent from `from`, one of the loopback addresses, as a distinct client. */
function open(url: string, from: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, localAddress: from, headers: CURL, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** The page with everything that differs per view blanked out. */
function normalized(html: string, token: string): string {
  return html
    .replaceAll(token, 'TOKEN')
    .replace(/nonce="[^"]+"/g, 'nonce="CSP"')
    .replace(/name="nonce" value="[^"]+"/, 'name="nonce" value="NONCE"');
}

/** The confirm nonce of a page the browser loaded from the link. */
async function pageNonce(url: string): Promise<string> {
  const page = await fetch(url, {
    headers: { 'user-agent': FIREFOX, 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' },
  });
  return /name="nonce" value="([^"]+)"/.exec(await page.text())![1];
}

/** What the page's script posts in `auto` mode, from the page's own origin. */
function confirm(gateway: RunningGateway, token: string, nonce: string): Promise<Response> {
  return fetch(`${gateway.url}/v1/magic_links/redirect/confirm`, {
    method: 'POST',
    headers: {
      'user-agent': FIREFOX,
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'null',
      'sec-fetch-site': 'same-origin',
      'sec-fetch-mode': 'navigate',
    },
    body: new URLSearchParams({ token, nonce, js: '1', auto: '1', trusted: '0', webdriver: '0' }),
    redirect: 'manual',
  });
}

async function storedEvents(gateway: RunningGateway, link: SentLink): Promise<Record<string, number>> {
  const rows = await queryDatabase<{ type: string; n: string | number }>(
    gateway.databaseUrl,
    'SELECT type, COUNT(*) AS n FROM magic_link_events WHERE email_id = $1 GROUP BY type',
    [link.emailId],
  );
  return Object.fromEntries(rows.map((row) => [row.type, Number(row.n)]));
}

async function countRows(gateway: RunningGateway, sql: string, params: unknown[]): Promise<number> {
  const [row] = await queryDatabase<{ n: string | number }>(gateway.databaseUrl, sql, params);
  return Number(row.n);
}

async function authenticate(gateway: RunningGateway, token: string, extra: Record<string, unknown> = {}) {
  return gateway.request('POST', '/v1/magic_links/authenticate', { token, ...extra });
}

describe.each(DATABASES)('Redirect page limits and retention on %s', (database: DatabaseKind) => {
  const env = {
    LOG_LEVEL: 'info',
    MAGIC_LINKS_LOGIN_REDIRECT_URLS: REDIRECT_URL,
    MAGIC_LINKS_REDIRECT_MODE: 'auto',
    MAGIC_LINK_EVENTS_PER_LINK: String(PER_LINK),
    MAGIC_LINK_EVENTS_PER_IP: `${PER_IP}/600`,
    RETENTION_INTERVAL_MS: '200',
    RETENTION_EVENT_DAYS: '1',
    RETENTION_LINK_DAYS: '1',
    RETENTION_SESSION_DAYS: '1',
    RETENTION_DELIVERY_DAYS: '1',
  };
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway(database, env);
  });
  afterAll(() => gateway.close());

  it('stores a bounded number of events for repeated views of one link, used or not, and logs every one', async () => {
    const link = await sendLoginLink(gateway, { email: nextEmail() });
    const pages: string[] = [];
    for (let view = 0; view < 20; view++) {
      const get = await open(link.url, '127.0.0.2');
      expect(get.status).toBe(200);
      pages.push(normalized(get.body, link.token));
      expect((await open(link.url, '127.0.0.2', 'HEAD')).status).toBe(200);
    }
    // The page past the cap is the page before it: the cap shows in nothing a client sees.
    expect(new Set(pages).size).toBe(1);
    expect(await storedEvents(gateway, link)).toEqual({ view: PER_LINK, head: PER_LINK });

    const used = await sendLoginLink(gateway, { email: nextEmail() });
    expect((await authenticate(gateway, used.token)).status).toBe(200);
    for (let view = 0; view < 20; view++) expect((await open(used.url, '127.0.0.4')).status).toBe(200);
    expect(await storedEvents(gateway, used)).toEqual({ view: PER_LINK });

    await gateway.waitForOutput(() => logged(link).length === 40);
    expect(logged(link).filter((line) => line.stored === false)).toHaveLength(40 - 2 * PER_LINK);

    function logged(sent: SentLink) {
      return gateway.logs().filter((line) => line.email_id === sent.emailId && line.magic_link_event !== undefined);
    }
  });

  it('stores a bounded number of events from one address, however many links it opens', async () => {
    const links = [];
    for (let index = 0; index < 6; index++) links.push(await sendLoginLink(gateway, { email: nextEmail() }));
    for (const link of links) {
      for (let view = 0; view < PER_LINK; view++) expect((await open(link.url, '127.0.0.3')).status).toBe(200);
    }
    const fromAddress = 'SELECT COUNT(*) AS n FROM magic_link_events WHERE ip_address = $1';
    expect(await countRows(gateway, fromAddress, ['127.0.0.3'])).toBe(PER_IP);
    // Another address is not held back by the first one's flood.
    expect((await open(links[5].url, '127.0.0.5')).status).toBe(200);
    expect(await countRows(gateway, fromAddress, ['127.0.0.5'])).toBe(1);
  });

  it('takes a confirm nonce once, also on another instance sharing the database', async () => {
    const link = await sendLoginLink(gateway, { email: nextEmail() });
    const nonce = await pageNonce(link.url);
    const first = await confirm(gateway, link.token, nonce);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toContain(`token=${link.token}`);

    const replayed = await confirm(gateway, link.token, nonce);
    expect(replayed.status).toBe(403);
    expect(replayed.headers.get('location')).toBeNull();
    const page = await replayed.text();
    expect(page).not.toContain(REDIRECT_URL);
    expect(page).toContain('name="nonce"');

    const other = await startGateway({ url: gateway.databaseUrl }, { ...env, RETENTION_INTERVAL_MS: '0' });
    try {
      expect((await confirm(other, link.token, nonce)).status).toBe(403);
      // A new view's nonce still works: whoever holds the link can go on.
      expect((await confirm(other, link.token, await pageNonce(link.url))).status).toBe(303);
    } finally {
      await other.close();
    }
    const recorded = await gateway.request('GET', `/v1/magic_links/events?email_id=${link.emailId}`);
    expect(recorded.body.events.map((event: Record<string, unknown>) => [event.event_type, event.reason])).toEqual([
      ['view', null],
      ['confirm', null],
      ['blocked', 'used_nonce'],
      ['blocked', 'used_nonce'],
      ['view', null],
      ['confirm', null],
    ]);
    expect((await authenticate(gateway, link.token)).status).toBe(200);
  });

  it('deletes old events, expired links, ended sessions, finished deliveries and used nonces; keeps recent ones', async () => {
    const longAgo = storedTime(database, new Date(Date.now() - 2 * 86_400_000));
    const update = (sql: string, params: unknown[]) => queryDatabase(gateway.databaseUrl, sql, params);
    const rows = (table: string, column: string, value: string) =>
      countRows(gateway, `SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = $1`, [value]);

    const expired = await sendLoginLink(gateway, { email: nextEmail() });
    const live = await sendLoginLink(gateway, { email: nextEmail() });
    for (const link of [expired, live]) await fetch(link.url, { headers: CURL });
    const confirmed = await confirm(gateway, live.token, await pageNonce(live.url));
    expect(confirmed.status).toBe(303);
    const sessionLink = await sendLoginLink(gateway, { email: nextEmail() });
    const ended = await authenticate(gateway, sessionLink.token, { session_duration_minutes: 60 });
    const current = await authenticate(gateway, (await sendLoginLink(gateway, { email: nextEmail() })).token, {
      session_duration_minutes: 60,
    });
    const sent = "SELECT COUNT(*) AS n FROM email_deliveries WHERE status = 'sent' AND user_id = $1";
    for (const link of [expired, live]) await poll(async () => (await countRows(gateway, sent, [link.userId])) === 1);

    await update('UPDATE magic_links SET expires_at = $1 WHERE email_id = $2', [longAgo, expired.emailId]);
    await update("UPDATE magic_link_events SET created_at = $1 WHERE email_id = $2 AND type = 'view'", [
      longAgo,
      live.emailId,
    ]);
    await update('UPDATE email_deliveries SET next_attempt_at = $1 WHERE user_id = $2', [longAgo, live.userId]);
    await update('UPDATE sessions SET expires_at = $1 WHERE id = $2', [longAgo, ended.body.session.session_id]);
    await update('UPDATE redirect_used_nonces SET expires_at = $1', [longAgo]);

    await poll(async () => (await rows('magic_links', 'email_id', expired.emailId)) === 0);
    await poll(async () => (await rows('sessions', 'id', ended.body.session.session_id)) === 0);
    await poll(async () => (await rows('email_deliveries', 'user_id', live.userId)) === 0);
    await poll(async () => (await countRows(gateway, 'SELECT COUNT(*) AS n FROM redirect_used_nonces', [])) === 0);
    await poll(async () => (await storedEvents(gateway, live)).view === undefined);

    // The expired link went with its events and its delivery; the live link keeps its recent confirm.
    expect(await rows('magic_link_events', 'email_id', expired.emailId)).toBe(0);
    expect(await rows('email_deliveries', 'user_id', expired.userId)).toBe(0);
    expect(await storedEvents(gateway, live)).toEqual({ confirm: 1 });
    expect(await rows('magic_links', 'email_id', live.emailId)).toBe(1);
    expect(await rows('sessions', 'id', current.body.session.session_id)).toBe(1);
    expect((await authenticate(gateway, live.token)).status).toBe(200);
    // A deleted link's page is still the same page.
    expect((await fetch(expired.url, { headers: CURL })).status).toBe(200);
  });
});

/** Resolves once `condition` holds; fails after 10 s. */
async function poll(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Still not so after 10 s: ${condition.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
