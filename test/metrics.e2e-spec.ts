import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AUTH, freePort, startGateway, type RunningGateway } from './support/gateway.js';
import { linkIn, startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
/** A person's Firefox: no client hints to check, the fetch metadata of its own form post. */
const FIREFOX = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  accept: 'text/html',
  'sec-fetch-site': 'same-origin',
  'sec-fetch-mode': 'navigate',
};
/** A mail scanner: `curl`, no browser headers at all. */
const CURL = { 'user-agent': 'curl/8.5.0', accept: '*/*' };

/** Samples by series, `name{label="value",…}` with the labels sorted; histogram buckets left out. */
type Samples = Map<string, number>;

function parseMetrics(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1].endsWith('_bucket')) continue;
    const labels = [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, name, value]) => `${name}="${value}"`)
      .sort();
    samples.set(`${match[1]}{${labels.join(',')}}`, Number(match[3]));
  }
  return samples;
}

/** How much each series of the funnel's counters moved, leaving out the ones that did not. */
function counterDeltas(before: Samples, after: Samples): Record<string, number> {
  const deltas: Record<string, number> = {};
  for (const [series, value] of after) {
    if (!/^magic_links_\w+_total\{/.test(series)) continue;
    const delta = value - (before.get(series) ?? 0);
    if (delta !== 0) deltas[series] = delta;
  }
  return deltas;
}

const delta = (before: Samples, after: Samples, series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);

function formField(html: string, name: string): string {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1];
}

describe('Prometheus metrics', () => {
  let sink: SmtpSink;
  let gateway: RunningGateway;
  let portOnly: RunningGateway;
  let metricsUrl: string;
  let portOnlyMetricsUrl: string;

  beforeAll(async () => {
    sink = await startSmtpSink();
    const [metricsPort, otherMetricsPort] = [await freePort(), await freePort()];
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    portOnlyMetricsUrl = `http://127.0.0.1:${otherMetricsPort}/metrics`;
    // One after the other: two gateways starting at once on a busy machine may miss the start-up deadline.
    gateway = await startGateway('sqlite', {
      SMTP_URL: sink.url,
      METRICS_PORT: String(metricsPort),
      METRICS_TOKEN,
      METRICS_MAIL_DOMAINS: 'example.com',
      // A refused mail is retried once, soon, then given up.
      MAIL_RETRY_ATTEMPTS: '2',
      MAIL_RETRY_BASE_DELAY_MS: '100',
      MAIL_RETRY_MAX_DELAY_MS: '100',
      RATE_LIMIT_PER_EMAIL: '1/60',
    });
    portOnly = await startGateway('postgres', { METRICS_PORT: String(otherMetricsPort) });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([gateway?.close(), portOnly?.close()]);
    await sink?.stop();
  });

  const scrape = async (): Promise<{ text: string; samples: Samples }> => {
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    return { text, samples: parseMetrics(text) };
  };

  /** Scrapes until `series` reached `value`: deliveries finish after the request that queued them answered. */
  const scrapeWhen = async (series: string, value: number): Promise<Samples> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { samples } = await scrape();
      if ((samples.get(series) ?? 0) >= value || Date.now() > deadline) return samples;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('counts a login journey, a scanner block, a refused login mail and a rate-limit refusal exactly', async () => {
    const before = (await scrape()).samples;
    const person = `person-${randomUUID()}@example.com`;
    const scanned = `scanned-${randomUUID()}@example.com`;
    const bounced = `bounced-${randomUUID()}@bounce.test`;
    for (const email of [person, scanned, bounced]) {
      expect((await gateway.request('POST', '/v1/users', { email })).status).toBe(200);
    }

    // Two login mails delivered; a second send to the same address within the minute is refused by its throttler.
    for (const email of [person, scanned]) {
      expect((await gateway.request('POST', '/v1/magic_links/email/send', { email })).status).toBe(200);
    }
    const refused = await gateway.request('POST', '/v1/magic_links/email/send', { email: person });
    expect(refused.status).toBe(429);
    await sink.waitForMails(2);
    const personLink = linkIn(sink.mailsTo(person)[0]);
    const scannedLink = linkIn(sink.mailsTo(scanned)[0]);

    // The person views the page and, a second later, clicks; a scanner fetches the other link and posts its form.
    const personPage = await (await fetch(personLink, { headers: FIREFOX })).text();
    const scannerPage = await (await fetch(scannedLink, { headers: CURL })).text();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const confirm = (link: URL, page: string, headers: Record<string, string>, fields: Record<string, string>) =>
      fetch(new URL('/v1/magic_links/redirect/confirm', link), {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          token: link.searchParams.get('token')!,
          nonce: formField(page, 'nonce'),
          ...fields,
        }),
        redirect: 'manual',
      });
    const confirmed = await confirm(personLink, personPage, FIREFOX, {
      js: '1',
      trusted: '1',
      webdriver: '0',
      fingerprint: '0123456789abcdef',
    });
    expect(confirmed.status).toBe(303);
    expect((await confirm(scannedLink, scannerPage, CURL, {})).status).toBe(403);

    // The app's backend authenticates with a session; a replay is refused; the session is revoked.
    const token = personLink.searchParams.get('token')!;
    const authenticated = await gateway.request('POST', '/v1/magic_links/authenticate', {
      token,
      session_duration_minutes: 60,
    });
    expect(authenticated.status).toBe(200);
    const replayed = await gateway.request('POST', '/v1/magic_links/authenticate', { token });
    expect(replayed.body.error_type).toBe('unable_to_auth_magic_link');
    const revoked = await gateway.request('POST', '/v1/sessions/revoke', {
      session_token: authenticated.body.session_token,
    });
    expect(revoked.status).toBe(200);

    // The SMTP server refuses the third mail, permanently, on both attempts.
    sink.rejectNext(2);
    expect((await gateway.request('POST', '/v1/magic_links/email/send', { email: bounced })).status).toBe(200);
    const failedSeries = 'magic_links_emails_failed_total{domain="other",failure_class="rejected"}';
    const after = await scrapeWhen(failedSeries, (before.get(failedSeries) ?? 0) + 1);
    expect(sink.rejected()).toBe(2);

    expect(counterDeltas(before, after)).toEqual({
      'magic_links_links_created_total{kind="login"}': 3,
      'magic_links_emails_accepted_total{domain="example.com",kind="login"}': 2,
      'magic_links_emails_accepted_total{domain="other",kind="login"}': 1,
      'magic_links_emails_delivered_total{domain="example.com",kind="login"}': 2,
      'magic_links_emails_retried_total{domain="other",failure_class="rejected"}': 1,
      [failedSeries]: 1,
      'magic_links_rate_limited_total{throttler="email"}': 1,
      'magic_links_redirect_page_views_total{method="GET"}': 2,
      'magic_links_redirect_confirms_total{mode="click"}': 1,
      'magic_links_redirect_confirms_blocked_total{reason="bot_user_agent"}': 1,
      'magic_links_authenticate_succeeded_total{delivery="email"}': 1,
      'magic_links_authenticate_failed_total{error_type="unable_to_auth_magic_link"}': 1,
      'magic_links_sessions_started_total{}': 1,
      'magic_links_sessions_revoked_total{}': 1,
    });
    expect(delta(before, after, 'magic_links_sent_to_first_view_seconds_count{}')).toBe(2);
    expect(delta(before, after, 'magic_links_sent_to_authenticate_seconds_count{delivery="email"}')).toBe(1);
    const authenticate = (status: string) =>
      `magic_links_http_request_duration_seconds_count{method="POST",route="/v1/magic_links/authenticate",status_class="${status}"}`;
    expect(delta(before, after, authenticate('2xx'))).toBe(1);
    expect(delta(before, after, authenticate('4xx'))).toBe(1);
    const send = (status: string) =>
      `magic_links_http_request_duration_seconds_count{method="POST",route="/v1/magic_links/email/send",status_class="${status}"}`;
    expect(delta(before, after, send('2xx'))).toBe(3);
    expect(delta(before, after, send('4xx'))).toBe(1);
    // Nothing left to deliver, nothing in flight while the scrape (on its own port) runs.
    expect(after.get('magic_links_email_queue_depth{status="queued"}')).toBe(0);
    expect(after.get('magic_links_email_queue_depth{status="sending"}')).toBe(0);
    expect(after.get('magic_links_email_oldest_pending_age_seconds{}')).toBe(0);
    expect(after.get('magic_links_http_requests_in_flight{}')).toBe(0);
    expect(after.get('nodejs_eventloop_lag_seconds{}')).toBeGreaterThanOrEqual(0);
    expect(after.has('process_cpu_seconds_total{}')).toBe(true);
  }, 60_000);

  it('keeps label values bounded: route templates, no ids, addresses, tokens or unknown domains', async () => {
    const series = () => scrape().then(({ samples }) => [...samples.keys()]);
    const before = await series();
    const random = Array.from({ length: 20 }, () => randomUUID());
    for (const id of random) {
      await gateway.request('GET', `/v1/users/user-test-${id}`);
      await gateway.request('GET', `/no/such/route/${id}`);
      await fetch(`${gateway.url}/v1/magic_links/redirect?token=${id}`);
      const email = `${id}@${id}.example`;
      await gateway.request('POST', '/v1/magic_links/email/login_or_create', { email });
    }
    const { text } = await scrape();
    const after = await series();
    // Twenty of each made at most a few new series (the first of each route and status), not one per request.
    expect(after.length - before.length).toBeLessThan(20);
    for (const id of random) expect(text).not.toContain(id);
    expect(text).not.toMatch(/user-test-|@|token=/);
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map(([, route]) => route));
    expect(routes).toContain('/v1/users/:user_id');
    expect(routes).toContain('unmatched');
    const domains = new Set([...text.matchAll(/domain="([^"]*)"/g)].map(([, domain]) => domain));
    expect([...domains].sort()).toEqual(['example.com', 'other']);
  }, 60_000);

  it('serves /metrics on the API port only for the bearer token, and not at all without METRICS_TOKEN', async () => {
    const scrapeApi = (url: string, authorization?: string) =>
      fetch(`${url}/metrics`, { headers: authorization ? { authorization } : {} });
    const anonymous = await scrapeApi(gateway.url);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ status_code: 401, error_type: 'unauthorized_credentials' });
    expect((await scrapeApi(gateway.url, 'Bearer not-the-metrics-token-at-all')).status).toBe(401);
    expect((await scrapeApi(gateway.url, AUTH)).status).toBe(401);
    const authorized = await scrapeApi(gateway.url, `Bearer ${METRICS_TOKEN}`);
    expect(authorized.status).toBe(200);
    expect(await authorized.text()).toContain('magic_links_links_created_total');

    const hidden = await scrapeApi(portOnly.url, `Bearer ${METRICS_TOKEN}`);
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toMatchObject({ status_code: 404 });
    const own = await fetch(portOnlyMetricsUrl);
    expect(own.status).toBe(200);
    const samples = parseMetrics(await own.text());
    expect([...samples.keys()].some((series) => series.startsWith('magic_links_http_request_duration_seconds'))).toBe(
      true,
    );
    // On PostgreSQL, the pool (idle connections close after 10 s, so any count may be 0 by now).
    expect(samples.get('magic_links_db_pool_connections{state="idle"}')).toBeGreaterThanOrEqual(0);
    expect(samples.get('magic_links_db_pool_connections{state="in_use"}')).toBeGreaterThanOrEqual(0);
    expect(samples.get('magic_links_db_pool_waiting{}')).toBe(0);
    expect(samples.get('magic_links_db_pool_max{}')).toBe(20);
    // The dashboard and the alert rules of docs/ query only metrics the gateway serves (the pool's: on PostgreSQL).
    const served = new Set(
      [(await scrape()).text, await (await fetch(portOnlyMetricsUrl)).text()].flatMap((text) =>
        [...text.matchAll(/^# TYPE (\w+) /gm)].map(([, name]) => name),
      ),
    );
    for (const file of ['docs/grafana-dashboard.json', 'docs/prometheus-alerts.yml']) {
      const queried = readFileSync(file, 'utf8').match(/\b(?:magic_links|nodejs|process)_\w+/g)!;
      const unknown = queried
        .map((name) => name.replace(/_(bucket|count|sum)$/, ''))
        .filter((name) => !served.has(name));
      expect({ file, unknown: [...new Set(unknown)] }).toEqual({ file, unknown: [] });
    }
    const docs = await gateway.request('GET', '/docs-json');
    expect(Object.keys(docs.body.paths)).not.toContain('/metrics');
  });
});
