import type { EmailResult } from './email.js';
import type { LoadResult } from './load.js';

/**
 * `floor` is the baseline's process answering an authenticate as the gateway must (its statement, the User object,
 * a session row): what the gateway's data work costs on bare Nest.
 */
export type TargetName = 'gateway' | 'baseline' | 'floor' | 'better-auth';

/** One scenario on one database: each target's result (a target left out by BENCH_TARGETS has none). */
export interface Row {
  scenario: string;
  database: string;
  results: Partial<Record<TargetName, LoadResult>>;
}

export interface EmailRow {
  /** `gateway (in-process)`, `gateway (Bull)` or `better-auth`. */
  target: string;
  database: string;
  result: EmailResult;
  /** better-auth's accepted requests/s and CPU per request on the same database, for the ratios. */
  peer: EmailResult | undefined;
  /** The baseline's create on the same database (the create scenario), for the ratio. */
  baselineCreate: LoadResult | undefined;
}

export interface StartRow {
  target: TargetName;
  database: string;
  /** Spawn to first answer, on the database the run left (migrated, with data). */
  startMs: number;
  idleRssMb: number | undefined;
  /** Resident memory right after the scenarios' load. */
  loadedRssMb: number | undefined;
}

/**
 * The three-way table. Ratios are the gateway's over the other's requests/s, and the other's CPU per request over
 * the gateway's: above 1 means the gateway does better on both.
 */
export function formatTable(rows: Row[]): string {
  const header = [
    'scenario',
    'database',
    'gateway req/s',
    'p50 ms',
    'p99 ms',
    'CPU ms/req',
    'baseline req/s',
    'CPU ms/req',
    'better-auth req/s',
    'p50 ms',
    'p99 ms',
    'CPU ms/req',
    'vs baseline req/s (CPU)',
    'vs better-auth req/s (CPU)',
    'errors gw/base/ba',
  ];
  const cells = rows.map((row) => {
    const { gateway, baseline } = row.results;
    const peer = row.results['better-auth'];
    return [
      row.scenario,
      row.database,
      rate(gateway),
      milliseconds(gateway?.p50),
      milliseconds(gateway?.p99),
      cpu(gateway?.cpuMsPerRequest),
      rate(baseline),
      cpu(baseline?.cpuMsPerRequest),
      rate(peer),
      milliseconds(peer?.p50),
      milliseconds(peer?.p99),
      cpu(peer?.cpuMsPerRequest),
      ratios(gateway, baseline),
      ratios(gateway, peer),
      (['gateway', 'baseline', 'better-auth'] as const).map((name) => row.results[name]?.failed ?? '–').join('/'),
    ];
  });
  const notes = rows.flatMap((row) =>
    Object.entries(row.results)
      .filter(([, result]) => result.failed > 0)
      .map(
        ([target, result]) =>
          `${row.scenario} on ${row.database}, ${target}: ${result.failed} failed ${JSON.stringify(result.failures)}`,
      ),
  );
  return [markdown(header, cells), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

/**
 * The floor beside the baseline: how much of the gateway's gap to the bare baseline its answer's data work alone
 * takes, and how the gateway compares with that floor (ratios as in `formatTable`).
 */
export function formatFloorTable(rows: Row[]): string {
  const header = [
    "floor: the gateway's statement and answer on bare Nest",
    'database',
    'floor req/s',
    'CPU ms/req',
    'floor vs baseline req/s (CPU)',
    'gateway vs floor req/s (CPU)',
    'errors',
  ];
  const cells = rows
    .filter((row) => row.results.floor)
    .map(({ scenario, database, results: { gateway, baseline, floor } }) => [
      scenario,
      database,
      rate(floor),
      cpu(floor?.cpuMsPerRequest),
      ratios(floor, baseline),
      ratios(gateway, floor),
      String(floor?.failed ?? '–'),
    ]);
  return markdown(header, cells);
}

export function formatEmailTable(rows: EmailRow[]): string {
  const header = [
    'email, end to end',
    'database',
    'accepted req/s',
    'p50 ms',
    'p99 ms',
    'CPU ms/req',
    'mails/s during load',
    'backlog at end',
    'drain s',
    'CPU ms/mail',
    'accepted vs better-auth',
    'accepted vs baseline create',
    'errors',
    'mails/accepted',
  ];
  const cells = rows.map(({ target, database, result, peer, baselineCreate }) => [
    target,
    database,
    result.load.requestsPerSecond.toFixed(0),
    milliseconds(result.load.p50),
    milliseconds(result.load.p99),
    cpu(result.load.cpuMsPerRequest),
    result.mailsPerSecond.toFixed(0),
    String(result.backlog),
    result.drainSeconds.toFixed(1),
    cpu(result.cpuMsPerMail),
    peer && peer !== result ? ratios(result.load, peer.load) : '–',
    baselineCreate ? ratios(result.load, baselineCreate) : '–',
    String(result.load.failed),
    `${result.delivered}/${result.accepted}`,
  ]);
  const notes = rows
    .filter(({ result }) => result.load.failed > 0 || result.delivered < result.accepted)
    .map(
      ({ target, database, result }) =>
        `${target} on ${database}: ${result.load.failed} failed ${JSON.stringify(result.load.failures)}, ` +
        `${result.delivered} of ${result.accepted} accepted mails arrived`,
    );
  return [markdown(header, cells), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

export function formatStartTable(rows: StartRow[]): string {
  const header = ['start and memory', 'database', 'first answer ms', 'idle RSS MB', 'RSS after load MB'];
  const cells = rows.map((row) => [
    row.target,
    row.database,
    row.startMs.toFixed(0),
    row.idleRssMb?.toFixed(0) ?? '–',
    row.loadedRssMb?.toFixed(0) ?? '–',
  ]);
  return markdown(header, cells);
}

function markdown(header: string[], cells: string[][]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i].length)));
  const line = (values: string[]) =>
    `| ${values.map((value, i) => (i < 2 ? value.padEnd(widths[i]) : value.padStart(widths[i]))).join(' | ')} |`;
  const separator = `|${widths.map((width, i) => (i < 2 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(header), separator, ...cells.map(line)].join('\n');
}

/** `req/s ratio (CPU ratio)` of `ours` against `theirs`. */
function ratios(ours: LoadResult | undefined, theirs: LoadResult | undefined): string {
  if (!ours || !theirs || theirs.requestsPerSecond === 0) return '–';
  const throughput = (ours.requestsPerSecond / theirs.requestsPerSecond).toFixed(2);
  const cpuRatio =
    ours.cpuMsPerRequest && theirs.cpuMsPerRequest ? (theirs.cpuMsPerRequest / ours.cpuMsPerRequest).toFixed(2) : '–';
  return `${throughput} (${cpuRatio})`;
}

function rate(result: LoadResult | undefined): string {
  return result ? result.requestsPerSecond.toFixed(0) : '–';
}

function cpu(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(2);
}

function milliseconds(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
