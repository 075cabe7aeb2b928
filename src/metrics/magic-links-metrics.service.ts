import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import type { MailFailureClass } from './mail-failure.js';
import { InjectMetricsRegistry } from './metrics-registry.js';

/** Seconds from a link's email to a person's view or authenticate: from seconds to a day. */
const SINCE_SENT_BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 3 * 3600, 24 * 3600];

/** How the link reached the user: emailed, or handed to the caller (embeddable). */
export type LinkDelivery = 'email' | 'embedded';

/** What pg's Pool reports, read at scrape time (TypeORM's PostgreSQL driver keeps it as `master`). */
interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

/**
 * The module's Prometheus metrics, the login funnel's counters first. Every label value comes from a fixed set in
 * this code (kinds, outcomes, error types, bot signals) or from `metrics.mailDomains`, never from a request, so
 * the number of series is bounded whatever clients send. Each count is one call at the place it happens.
 */
@Injectable()
export class MagicLinksMetrics {
  private readonly mailDomains: ReadonlySet<string>;
  private readonly linksCreated: Counter<'kind'>;
  private readonly emailsAccepted: Counter<'kind' | 'domain'>;
  private readonly emailsDelivered: Counter<'kind' | 'domain'>;
  private readonly emailsRetried: Counter<'failure_class' | 'domain'>;
  private readonly emailsFailed: Counter<'failure_class' | 'domain'>;
  private readonly pageViews: Counter<'method'>;
  private readonly confirms: Counter<'mode'>;
  private readonly blockedConfirms: Counter<'reason'>;
  private readonly authenticated: Counter<'delivery'>;
  private readonly authenticateFailed: Counter<'error_type'>;
  private readonly sessionsStarted: Counter;
  private readonly sessionsRevoked: Counter;
  private readonly rateLimited: Counter<'throttler'>;
  private readonly sentToFirstView: Histogram;
  private readonly sentToAuthenticate: Histogram<'delivery'>;

  constructor(
    @InjectMagicLinksOptions() options: ResolvedMagicLinksOptions,
    @InjectMetricsRegistry() readonly registry: Registry,
    @InjectDataSource() dataSource: DataSource,
  ) {
    this.mailDomains = new Set(options.metrics.mailDomains);
    const registers = [registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
      new Counter<L>({ name: `magic_links_${name}`, help, labelNames, registers });
    this.linksCreated = counter('links_created_total', 'Magic links created, by kind.', ['kind']);
    this.emailsAccepted = counter('emails_accepted_total', 'Mails accepted for delivery (queued).', ['kind', 'domain']);
    this.emailsDelivered = counter(
      'emails_delivered_total',
      'Mails the SMTP server accepted (or written to the outbox).',
      ['kind', 'domain'],
    );
    this.emailsRetried = counter('emails_retried_total', 'Failed delivery attempts that will be retried.', [
      'failure_class',
      'domain',
    ]);
    this.emailsFailed = counter('emails_failed_total', 'Mails given up on, by the class of the last failure.', [
      'failure_class',
      'domain',
    ]);
    this.pageViews = counter('redirect_page_views_total', 'Redirect page views of live emailed links.', ['method']);
    this.confirms = counter('redirect_confirms_total', 'Confirms sent on to the app, by click or automatically.', [
      'mode',
    ]);
    this.blockedConfirms = counter('redirect_confirms_blocked_total', 'Confirms refused, by reason.', ['reason']);
    this.authenticated = counter('authenticate_succeeded_total', 'Magic links authenticated.', ['delivery']);
    this.authenticateFailed = counter('authenticate_failed_total', 'Magic link authenticates refused.', ['error_type']);
    this.sessionsStarted = counter('sessions_started_total', 'Sessions started.');
    this.sessionsRevoked = counter('sessions_revoked_total', 'Sessions revoked.');
    this.rateLimited = counter('rate_limited_total', 'Requests refused with 429, by throttler.', ['throttler']);
    this.sentToFirstView = new Histogram({
      name: 'magic_links_sent_to_first_view_seconds',
      help: "Seconds from a link's email to the first view of its redirect page.",
      buckets: SINCE_SENT_BUCKETS,
      registers,
    });
    this.sentToAuthenticate = new Histogram({
      name: 'magic_links_sent_to_authenticate_seconds',
      help: "Seconds from a link's creation (its email) to its authenticate.",
      labelNames: ['delivery'],
      buckets: SINCE_SENT_BUCKETS,
      registers,
    });
    const pool = (dataSource.driver as { master?: Partial<PoolCounts> }).master;
    if (typeof pool?.totalCount === 'number') this.poolGauges(pool as PoolCounts, registers);
    if (options.metrics.defaultMetrics) collectDefaultMetrics({ register: registry });
  }

  /** An emailed link written with its delivery record: a link created and a mail accepted. */
  emailedLinkCreated(kind: string, address: string): void {
    this.linksCreated.inc({ kind });
    this.emailsAccepted.inc({ kind, domain: this.domainOf(address) });
  }

  embeddableLinkCreated(): void {
    this.linksCreated.inc({ kind: 'embedded' });
  }

  emailDelivered(kind: string, address: string): void {
    this.emailsDelivered.inc({ kind, domain: this.domainOf(address) });
  }

  emailAttemptFailed(failureClass: MailFailureClass, address: string, final: boolean): void {
    (final ? this.emailsFailed : this.emailsRetried).inc({
      failure_class: failureClass,
      domain: this.domainOf(address),
    });
  }

  /**
   * A hit on an emailed link's redirect page. `reason` is a bot signal or a nonce or link problem; `firstView` is
   * true for the first stored GET of the link, whose delay since the email is observed.
   */
  redirectEvent(
    type: string,
    { reason, automatic }: { reason?: string; automatic?: boolean },
    secondsSinceSent: number,
    firstView: boolean,
  ): void {
    if (type === 'view' || type === 'head') this.pageViews.inc({ method: type === 'view' ? 'GET' : 'HEAD' });
    else if (type === 'blocked') this.blockedConfirms.inc({ reason: reason ?? 'unknown' });
    else if (type === 'confirm') this.confirms.inc({ mode: automatic ? 'auto' : 'click' });
    if (firstView) this.sentToFirstView.observe(secondsSinceSent);
  }

  authenticateSucceeded(delivery: LinkDelivery, createdAt: Date): void {
    this.authenticated.inc({ delivery });
    this.sentToAuthenticate.observe({ delivery }, (Date.now() - createdAt.getTime()) / 1000);
  }

  authenticateRefused(errorType: string): void {
    this.authenticateFailed.inc({ error_type: errorType });
  }

  sessionStarted(): void {
    this.sessionsStarted.inc();
  }

  sessionRevoked(): void {
    this.sessionsRevoked.inc();
  }

  refused(throttler: string): void {
    this.rateLimited.inc({ throttler });
  }

  /** The domain label: one of `metrics.mailDomains`, else `other`. */
  private domainOf(address: string): string {
    const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
    return this.mailDomains.has(domain) ? domain : 'other';
  }

  /** PostgreSQL's connection pool, read when scraped. */
  private poolGauges(pool: PoolCounts, registers: Registry[]): void {
    new Gauge({
      name: 'magic_links_db_pool_connections',
      help: 'Database pool connections, by state (PostgreSQL).',
      labelNames: ['state'],
      registers,
      collect() {
        this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
        this.set({ state: 'idle' }, pool.idleCount);
      },
    });
    new Gauge({
      name: 'magic_links_db_pool_waiting',
      help: 'Queries waiting for a free pool connection (PostgreSQL).',
      registers,
      collect() {
        this.set(pool.waitingCount);
      },
    });
    new Gauge({
      name: 'magic_links_db_pool_max',
      help: 'Largest number of connections the pool opens (PostgreSQL).',
      registers,
      collect() {
        this.set(pool.options?.max ?? 10);
      },
    });
  }
}
