import type { LoadResult } from './load.js';

export interface Row {
  scenario: string;
  database: string;
  gateway: LoadResult;
  baseline: LoadResult;
}

const COLUMNS = [
  'scenario',
  'database',
  'gateway req/s',
  'p50 ms',
  'p99 ms',
  'baseline req/s',
  'p50 ms',
  'p99 ms',
  'ratio',
  'CPU ms/req (gw/base)',
  'errors (gw/base)',
];

/** The results as a Markdown table (it reads as plain text too), with any failed requests explained below it. */
export function formatTable(rows: Row[]): string {
  const cells = rows.map((row) => [
    row.scenario,
    row.database,
    row.gateway.requestsPerSecond.toFixed(0),
    milliseconds(row.gateway.p50),
    milliseconds(row.gateway.p99),
    row.baseline.requestsPerSecond.toFixed(0),
    milliseconds(row.baseline.p50),
    milliseconds(row.baseline.p99),
    (row.gateway.requestsPerSecond / row.baseline.requestsPerSecond).toFixed(2),
    `${cpu(row.gateway.cpuMsPerRequest)}/${cpu(row.baseline.cpuMsPerRequest)}`,
    `${row.gateway.failed}/${row.baseline.failed}`,
  ]);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i].length)));
  const line = (values: string[]) =>
    `| ${values.map((value, i) => (i < 2 ? value.padEnd(widths[i]) : value.padStart(widths[i]))).join(' | ')} |`;
  const separator = `|${widths.map((width, i) => (i < 2 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  const notes = rows.flatMap((row) =>
    (['gateway', 'baseline'] as const)
      .filter((target) => row[target].failed > 0)
      .map(
        (target) =>
          `${row.scenario} on ${row.database}, ${target}: ${row[target].failed} failed ${JSON.stringify(row[target].failures)}`,
      ),
  );
  return [line(COLUMNS), separator, ...cells.map(line), ...notes].join('\n');
}

function cpu(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(2);
}

function milliseconds(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
