import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { forEachDatabase, type DatabaseKind } from './databases.js';
import { load, summarize } from './load.js';
import { startServer, type ChildServer } from './servers.js';

// `node dist/bench/fingerprint-lookup.js` (after `npm run build && tsc -p tsconfig.bench.json`): latency of
// `POST /v1/fingerprint/lookup` on the built gateway, against a table of telemetry, rules and an override seeded
// first. Only 127.0.0.1 is contacted; every phase is bounded. Settings and results: docs/benchmarks.md.

const PROJECT_ID = 'project-test-00000000-0000-4000-8000-00000000f4a0';
const SECRET = 'secret-test-benchmark-only-0000000000';
const HEADERS = { authorization: `Basic ${Buffer.from(`${PROJECT_ID}:${SECRET}`).toString('base64')}` };
const USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

function integer(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}="${raw}" must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

const config = {
  databases: (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',').map((item) => item.trim()) as DatabaseKind[],
  seconds: integer('BENCH_DURATION', 10, 1, 600),
  warmupSeconds: integer('BENCH_WARMUP', 3, 0, 600),
  connections: integer('BENCH_CONNECTIONS', 10, 1, 1000),
  telemetry: integer('BENCH_TELEMETRY', 1000, 1, 100_000),
  rules: integer('BENCH_RULES', 200, 0, 100_000),
  cpuProfileDir: process.env.BENCH_CPU_PROFILE ? resolve(process.env.BENCH_CPU_PROFILE) : undefined,
};

/** What the telemetry script sends, varied per device so that each record has fingerprints of its own. */
function signals(index: number): string {
  const hex = (seed: string) => Buffer.from(seed).toString('hex').padEnd(16, '0').slice(0, 16);
  return JSON.stringify({
    v: 1,
    user_agent: USER_AGENT,
    ua_data: { brands: ['Chromium;140', 'Google Chrome;140'], mobile: false, platform: 'macOS' },
    platform: 'MacIntel',
    languages: ['en-US', 'en'],
    language: 'en-US',
    timezone: 'UTC',
    timezone_offset: 0,
    screen: [1512, 982, 1512, 944, 30, 2, 1512, 944, 1512, 860],
    hardware_concurrency: 8,
    device_memory: 8,
    canvas: hex(`canvas-${index}`),
    webgl_renderer: 'ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)',
    webgl: hex('webgl'),
    audio: hex('audio'),
    fonts: ['Arial', 'Helvetica'],
    webdriver: false,
    traces: [],
    plugins: 5,
    chrome: true,
    notifications: 'default/prompt',
    visitor_key: randomBytes(16).toString('hex'),
  });
}

async function seed(gateway: ChildServer): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < config.telemetry; index++) {
    const response = await fetch(`${gateway.url}/v1/fingerprint/telemetry`, {
      method: 'POST',
      headers: { 'user-agent': USER_AGENT, 'accept-language': 'en-US,en;q=0.9' },
      body: new URLSearchParams({ signals: signals(index) }),
    });
    if (!response.ok) throw new Error(`Seeding telemetry failed: ${response.status} ${await response.text()}`);
    ids.push(((await response.json()) as { telemetry_id: string }).telemetry_id);
  }
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { ...HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path} failed: ${response.status} ${await response.text()}`);
  };
  // Rules that do not match (they are for other visitors and networks), so every lookup weighs them all.
  for (let index = 0; index < config.rules; index++) {
    await post(
      '/v1/rules/set',
      index % 4 === 0
        ? { action: 'BLOCK', cidr_block: `10.${(index >> 8) & 255}.${index & 255}.0/24` }
        : { action: 'BLOCK', visitor_id: `visitor-${randomBytes(16).toString('hex')}` },
    );
  }
  await post('/v1/verdict_reasons/override', { verdict_reason: 'VIRTUAL_MACHINE', override_action: 'ALLOW' });
  return ids;
}

function lookupBody(ids: string[], index: number, metadata: boolean): string {
  return JSON.stringify({
    telemetry_id: ids[index % ids.length],
    ...(metadata && { external_metadata: { external_id: `user-${index % 5000}` } }),
  });
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'magic-links-fraud-bench-'));
  const cleanups: (() => Promise<unknown> | void)[] = [() => rmSync(workDir, { recursive: true, force: true })];
  const rows: string[] = [];
  try {
    await forEachDatabase(config.databases, [join(workDir, 'bench.sqlite')], async (database, [databaseUrl]) => {
      const gateway = await startServer({
        name: `gateway-${database}`,
        script: 'dist/src/gateway/main.js',
        readyPath: '/health',
        logDir: workDir,
        profiling: config.cpuProfileDir !== undefined,
        env: {
          MAGIC_LINKS_PROJECT_ID: PROJECT_ID,
          MAGIC_LINKS_SECRET: SECRET,
          DATABASE_URL: databaseUrl,
          LOG_LEVEL: 'info',
          RATE_LIMIT_PER_IP: '1000000000/60',
          RATE_LIMIT_PER_PROJECT: '1000000000/60',
        },
      });
      cleanups.push(() => gateway.stop());
      const ids = await seed(gateway);
      // The floor: an authenticated route that reads one tiny table, through the same auth, throttler and envelope.
      const scenarios = [
        { name: 'lookup', path: '/v1/fingerprint/lookup', body: (index: number) => lookupBody(ids, index, false) },
        {
          name: 'lookup with `external_id`',
          path: '/v1/fingerprint/lookup',
          body: (index: number) => lookupBody(ids, index, true),
        },
        { name: 'floor: `verdict_reasons/list`', path: '/v1/verdict_reasons/list', body: () => '{}' },
      ];
      const run = (scenario: (typeof scenarios)[number], seconds: number) =>
        load({
          url: gateway.url,
          path: scenario.path,
          connections: config.connections,
          headers: HEADERS,
          seconds,
          body: scenario.body,
        });
      if (config.warmupSeconds > 0) await run(scenarios[0], config.warmupSeconds);
      for (const scenario of scenarios) {
        if (config.cpuProfileDir) mkdirSync(config.cpuProfileDir, { recursive: true });
        const profile = join(
          config.cpuProfileDir ?? workDir,
          `${database}-${scenario.name.replace(/[^a-z]+/gi, '-').replace(/-$/, '')}.cpuprofile`,
        );
        const cpuBefore = gateway.cpuSeconds();
        const sample = await gateway.profile(profile, () => run(scenario, config.seconds));
        const cpuAfter = gateway.cpuSeconds();
        if (cpuBefore !== undefined && cpuAfter !== undefined) sample.cpuSeconds = cpuAfter - cpuBefore;
        const result = summarize([sample]);
        if (result.failed > 0) throw new Error(`${scenario.name} failed: ${JSON.stringify(result.failures)}`);
        const row =
          `| ${database} | ${scenario.name} | ${result.requestsPerSecond.toFixed(0)} | ` +
          `${result.p50.toFixed(2)} | ${result.p99.toFixed(2)} | ${result.cpuMsPerRequest?.toFixed(2) ?? 'n/a'} |`;
        // Printed as measured too, so that a later failure leaves the rows measured so far.
        console.error(row);
        rows.push(row);
      }
      await gateway.stop();
    });
    console.log(
      `Fingerprint lookup, ${config.connections} connections, ${config.seconds} s each, ` +
        `${config.telemetry} telemetry records, ${config.rules} rules, 1 override\n`,
    );
    console.log('| Database | Request | Requests/s | p50 ms | p99 ms | CPU ms/req |');
    console.log('| -------- | ------ | ---------: | -----: | -----: | ---------: |');
    for (const row of rows) console.log(row);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

await main();
