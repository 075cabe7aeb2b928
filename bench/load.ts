import autocannon from 'autocannon';
import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  url: string;
  /** POST (the default) with a JSON body, or GET with no body. */
  method?: 'POST' | 'GET';
  /** The path, or the path of the i-th request of this load (a GET carries its token in the query). */
  path: string | ((index: number) => string);
  connections: number;
  headers: Record<string, string>;
  /** The JSON body of the i-th request of this load (POST). */
  body?(index: number): string;
  /** Stop after this many seconds … */
  seconds: number;
  /** … or after this many requests, whichever comes first. */
  amount?: number;
  /** Sees every response (status and body), e.g. to collect the tokens that creates return. */
  onResponse?(status: number, body: string): void;
}

/** What one load measured. */
export interface LoadSample {
  /** 2xx responses. */
  succeeded: number;
  /** Non-2xx responses by status, connection errors and timeouts. */
  failures: Record<string, number>;
  /** From the start of the load to its last 2xx response. */
  seconds: number;
  /** The latency of every response, in milliseconds. */
  latencies: number[];
  /** CPU seconds the server process used meanwhile, when known. */
  cpuSeconds?: number;
}

export interface LoadResult {
  /** 2xx responses per second. */
  requestsPerSecond: number;
  /** Latency percentiles of all responses, in milliseconds. */
  p50: number;
  p99: number;
  /** CPU milliseconds of the server process per 2xx response, when known. */
  cpuMsPerRequest: number | undefined;
  failed: number;
  failures: Record<string, number>;
  seconds: number;
}

/** Sends requests (JSON POSTs or GETs) over `connections` keep-alive connections, bounded in time and count. */
export function load(options: LoadOptions): Promise<LoadSample> {
  const amount = options.amount;
  const method = options.method ?? 'POST';
  const connections = amount === undefined ? options.connections : Math.min(options.connections, amount);
  let index = 0;
  let succeeded = 0;
  let lastSuccess = 0;
  const failures: Record<string, number> = {};
  const latencies: number[] = [];
  const started = performance.now();
  if (amount === 0) return Promise.resolve({ succeeded, failures, seconds: 0, latencies });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => instance.stop(), options.seconds * 1000);
    const instance = autocannon(
      {
        url: options.url,
        connections,
        // autocannon stops on `amount` when it is set, else on `duration`; the timer above bounds both. It checks
        // for the end every `sampleInt` ms.
        duration: options.seconds,
        amount,
        sampleInt: 100,
        // A request still unanswered after this long counts as a timeout (autocannon's default, 10 s, is reached on
        // a machine shared with other jobs by requests that do complete).
        timeout: 30,
        headers: { ...(method === 'POST' && { 'content-type': 'application/json' }), ...options.headers },
        requests: [
          {
            method,
            path: typeof options.path === 'string' ? options.path : '/',
            setupRequest: (request) => {
              const i = index++;
              return {
                ...request,
                ...(typeof options.path === 'function' && { path: options.path(i) }),
                ...(options.body && { body: options.body(i) }),
              };
            },
            onResponse: (status, body) => {
              if (status >= 200 && status < 300) {
                succeeded++;
                lastSuccess = performance.now();
              } else {
                failures[status] = (failures[status] ?? 0) + 1;
              }
              options.onResponse?.(status, body);
            },
          },
        ],
      },
      (error, result) => {
        clearTimeout(timer);
        if (error) return reject(error);
        if (result.errors > 0) failures.connection_errors = result.errors;
        if (result.timeouts > 0) failures.timeouts = result.timeouts;
        resolve({ succeeded, failures, seconds: (lastSuccess - started) / 1000, latencies });
      },
    );
    // The instance emits (client, status, bytes, milliseconds); @types/autocannon leaves out the client.
    (instance as unknown as EventEmitter).on(
      'response',
      (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms),
    );
  });
}

/** Several loads of the same target as one result: their total rate and the percentiles of all their latencies. */
export function summarize(samples: LoadSample[]): LoadResult {
  const succeeded = samples.reduce((sum, sample) => sum + sample.succeeded, 0);
  const seconds = samples.reduce((sum, sample) => sum + (sample.succeeded > 0 ? sample.seconds : 0), 0);
  const latencies = samples.flatMap((sample) => sample.latencies).sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.max(0, Math.ceil(p * latencies.length) - 1)] ?? NaN;
  const failures: Record<string, number> = {};
  for (const sample of samples) {
    for (const [kind, count] of Object.entries(sample.failures)) failures[kind] = (failures[kind] ?? 0) + count;
  }
  const cpuKnown = samples.every((sample) => sample.cpuSeconds !== undefined);
  const cpuSeconds = samples.reduce((sum, sample) => sum + (sample.cpuSeconds ?? 0), 0);
  return {
    requestsPerSecond: seconds > 0 ? succeeded / seconds : 0,
    p50: percentile(0.5),
    p99: percentile(0.99),
    cpuMsPerRequest: cpuKnown && succeeded > 0 ? (1000 * cpuSeconds) / succeeded : undefined,
    failed: Object.values(failures).reduce((sum, count) => sum + count, 0),
    failures,
    seconds,
  };
}
