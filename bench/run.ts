import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startPostgres } from '../test/support/postgres-server.js';
import { benchEmail } from './email.js';
import { load, summarize, type LoadOptions, type LoadResult, type LoadSample } from './load.js';
import { formatTable, type Row } from './report.js';
import { createPostgresDatabase, freePort, startServer, type ChildServer } from './servers.js';

// `npm run bench`: the gateway against a bare NestJS baseline on the same database, scenario by scenario, in one
// run. Only 127.0.0.1 is ever contacted; every phase is bounded in time and count. Settings: docs/benchmarks.md.

type DatabaseKind = 'sqlite' | 'postgres';

const PROJECT_ID = 'project-test-00000000-0000-4000-8000-00000000be0c';
const SECRET = 'secret-test-benchmark-only-0000000000';
const TOKEN_HASH_KEY = randomBytes(32).toString('base64url');
const HEADERS = { authorization: `Basic ${Buffer.from(`${PROJECT_ID}:${SECRET}`).toString('base64')}` };
/** How long an untimed phase (seeding, topping up tokens) may take before the run gives up. */
const UNTIMED_PHASE_SECONDS = 180;

interface BenchConfig {
  /** `foundation` (create and authenticate on each database) and/or `email` (send and delivery, PostgreSQL). */
  scenarios: string[];
  databases: DatabaseKind[];
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  connections: number;
  users: number;
  maxTokens: number;
  logLevel: string;
  rateLimit: string;
  postgresUrl: string | undefined;
  cpuProfileDir: string | undefined;
  timeoutSeconds: number;
}

function readConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const databases = (env.BENCH_DATABASES ?? 'sqlite,postgres').split(',').map((item) => item.trim());
  for (const database of databases) {
    if (database !== 'sqlite' && database !== 'postgres') {
      throw new Error(`BENCH_DATABASES="${env.BENCH_DATABASES}" must list sqlite and/or postgres, comma-separated.`);
    }
  }
  const seconds = integer(env, 'BENCH_DURATION', 10, 1, 600);
  const rounds = integer(env, 'BENCH_ROUNDS', 5, 1, 100);
  if (seconds / rounds < 1) {
    throw new Error(
      `BENCH_DURATION=${seconds} split into BENCH_ROUNDS=${rounds} gives slices under 1 s: use fewer rounds.`,
    );
  }
  const scenarios = (env.BENCH_SCENARIOS ?? 'foundation,email').split(',').map((item) => item.trim());
  for (const scenario of scenarios) {
    if (scenario !== 'foundation' && scenario !== 'email') {
      throw new Error(`BENCH_SCENARIOS="${env.BENCH_SCENARIOS}" must list foundation and/or email, comma-separated.`);
    }
  }
  return {
    scenarios,
    databases: databases as DatabaseKind[],
    seconds,
    rounds,
    warmupSeconds: integer(env, 'BENCH_WARMUP', 3, 0, 600),
    connections: integer(env, 'BENCH_CONNECTIONS', 50, 1, 1000),
    users: integer(env, 'BENCH_USERS', 1000, 1, 100_000),
    maxTokens: integer(env, 'BENCH_MAX_TOKENS', 300_000, 1000, 10_000_000),
    logLevel: env.BENCH_LOG_LEVEL ?? 'info',
    // Far above what two cores can send, so that throttling never answers instead of the gateway.
    rateLimit: env.BENCH_RATE_LIMIT ?? '1000000000/60',
    postgresUrl: env.BENCH_POSTGRES_URL || undefined,
    cpuProfileDir: env.BENCH_CPU_PROFILE ? resolve(env.BENCH_CPU_PROFILE) : undefined,
    timeoutSeconds: integer(env, 'BENCH_TIMEOUT', 1200, 60, 86_400),
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}="${raw}" must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

function rate(sample: LoadSample): number {
  return sample.succeeded > 0 ? sample.succeeded / sample.seconds : 0;
}

/** Cleanups run newest first, on success, failure, timeout or Ctrl-C alike. */
const cleanups: (() => Promise<void> | void)[] = [];
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error('cleanup failed:', error instanceof Error ? error.message : error);
    }
  }
}

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

interface Target {
  name: 'gateway' | 'baseline';
  server: ChildServer;
  /** Tokens this target created, presented in order by the authenticate loads, each once. */
  tokens: string[];
  nextToken: number;
  /** The best rate (2xx/s) this target has shown so far, to size the token supply. */
  fastest: number;
}

async function main(config: BenchConfig): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'magic-links-bench-'));
  cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));
  if (config.cpuProfileDir) mkdirSync(config.cpuProfileDir, { recursive: true });

  let postgresAdminUrl = config.postgresUrl;
  const needsPostgres = config.scenarios.includes('email') || config.databases.includes('postgres');
  if (needsPostgres && !postgresAdminUrl) {
    progress('starting a throwaway PostgreSQL cluster');
    const server = await startPostgres(await freePort());
    cleanups.push(() => server.stop());
    postgresAdminUrl = server.url;
  }

  const rows: Row[] = [];
  const notes: string[] = [];
  for (const kind of config.scenarios.includes('foundation') ? config.databases : []) {
    let databaseUrl: string;
    if (kind === 'sqlite') {
      databaseUrl = `sqlite:${join(workDir, 'bench.sqlite')}`;
    } else {
      const database = await createPostgresDatabase(postgresAdminUrl!);
      cleanups.push(() => database.drop());
      databaseUrl = database.url;
    }
    rows.push(...(await benchDatabase(config, kind, databaseUrl, workDir)));
  }

  if (config.scenarios.includes('email')) {
    const database = await createPostgresDatabase(postgresAdminUrl!);
    cleanups.push(() => database.drop());
    const email = await benchEmail({
      databaseUrl: database.url,
      workDir,
      seconds: config.seconds,
      connections: config.connections,
      users: config.users,
      logLevel: config.logLevel,
      cpuProfileDir: config.cpuProfileDir,
      env: gatewayEnv(config),
      headers: HEADERS,
      cleanups,
      progress,
    });
    rows.push(email.row);
    notes.push(
      `email delivery: ${email.mails} mails into the SMTP sink at ${email.mailsPerSecond.toFixed(0)} mails/s ` +
        '(from the start of the send load to the last mail; Bull on Redis, MAIL_CONCURRENCY 5, one gateway), ' +
        `gateway CPU ${email.cpuMsPerMail?.toFixed(2) ?? '–'} ms per mail (request and delivery)`,
    );
  }

  console.log(await describeMachine(config, postgresAdminUrl));
  console.log(formatTable(rows));
  for (const note of notes) console.log(note);
}

/** How every measured gateway is configured: the bench's credentials, lifted rate limits, the chosen log level. */
function gatewayEnv(config: BenchConfig): Record<string, string> {
  return {
    MAGIC_LINKS_PROJECT_ID: PROJECT_ID,
    MAGIC_LINKS_SECRET: SECRET,
    MAGIC_LINKS_TOKEN_HASH_KEY: TOKEN_HASH_KEY,
    RATE_LIMIT_PER_IP: config.rateLimit,
    RATE_LIMIT_PER_PROJECT: config.rateLimit,
    // Every load connection comes from this one host.
    HTTP_MAX_CONNECTIONS_PER_IP: String(Math.max(256, config.connections * 2)),
    LOG_LEVEL: config.logLevel,
  };
}

async function benchDatabase(config: BenchConfig, kind: DatabaseKind, databaseUrl: string, workDir: string) {
  progress(`${kind}: starting the gateway and the baseline`);
  // The gateway first: its migrations create the schema that the baseline then shares.
  const gateway = await startServer({
    name: `gateway-${kind}`,
    script: 'dist/src/gateway/main.js',
    env: { DATABASE_URL: databaseUrl, ...gatewayEnv(config) },
    readyPath: '/health',
    logDir: workDir,
    profiling: config.cpuProfileDir !== undefined,
  });
  cleanups.push(() => gateway.stop());
  const baseline = await startServer({
    name: `baseline-${kind}`,
    script: 'dist/bench/baseline-main.js',
    env: { DATABASE_URL: databaseUrl, BASELINE_TOKEN_HASH_KEY: TOKEN_HASH_KEY },
    readyPath: '/',
    logDir: workDir,
    profiling: config.cpuProfileDir !== undefined,
  });
  cleanups.push(() => baseline.stop());

  try {
    const users = await seedUsers(config, gateway, kind);
    const targets: Target[] = [
      { name: 'gateway', server: gateway, tokens: [], nextToken: 0, fastest: 0 },
      { name: 'baseline', server: baseline, tokens: [], nextToken: 0, fastest: 0 },
    ];
    const created = await compare(config, kind, 'create', targets, async (target) => createLoad(config, target, users));
    const authenticated = await compare(config, kind, 'authenticate', targets, async (target, seconds) => {
      await supplyTokens(config, kind, target, users, seconds);
      return authenticateLoad(config, target);
    });

    const row = (scenario: string, results: Map<Target, LoadResult>): Row => ({
      scenario,
      database: kind,
      gateway: results.get(targets[0])!,
      baseline: results.get(targets[1])!,
    });
    return [row('create', created), row('authenticate', authenticated)];
  } catch (error) {
    progress(`${kind}: gateway output:\n${gateway.logTail()}\n${kind}: baseline output:\n${baseline.logTail()}`);
    throw error;
  }
}

/** `config.users` users through the gateway's own API; the baseline shares the database, so it sees them too. */
async function seedUsers(config: BenchConfig, gateway: ChildServer, kind: DatabaseKind): Promise<string[]> {
  progress(`${kind}: creating ${config.users} users`);
  const users: string[] = [];
  const result = await load({
    url: gateway.url,
    path: '/v1/users',
    connections: config.connections,
    headers: HEADERS,
    body: (index) => JSON.stringify({ email: `bench-${index}@example.com` }),
    seconds: UNTIMED_PHASE_SECONDS,
    amount: config.users,
    onResponse: (status, body) => {
      if (status === 200) users.push((JSON.parse(body) as { user_id: string }).user_id);
    },
  });
  if (users.length !== config.users) {
    throw new Error(`Creating users failed: ${JSON.stringify(result.failures)}`);
  }
  return users;
}

/** A create load: one embeddable link per request, for the seeded users in turn, collecting the tokens. */
function createLoad(config: BenchConfig, target: Target, users: string[]): LoadOptions {
  return {
    url: target.server.url,
    path: '/v1/magic_links',
    connections: config.connections,
    headers: HEADERS,
    body: (index: number) => JSON.stringify({ user_id: users[index % users.length] }),
    seconds: config.seconds,
    onResponse: (status: number, body: string) => {
      if (status === 200) target.tokens.push((JSON.parse(body) as { token: string }).token);
    },
  };
}

/**
 * Tops up, untimed, the target's unused tokens to twice what its best rate so far would present in `seconds`
 * (within BENCH_MAX_TOKENS per load), so that authenticate loads end on time rather than on running out.
 */
async function supplyTokens(
  config: BenchConfig,
  kind: DatabaseKind,
  target: Target,
  users: string[],
  seconds: number,
): Promise<void> {
  const wanted = Math.min(config.maxTokens, Math.ceil(2 * target.fastest * seconds) + config.connections);
  const missing = wanted - (target.tokens.length - target.nextToken);
  if (missing <= 0) return;
  progress(`${kind}: ${target.name} creating ${missing} more tokens (untimed)`);
  const result = await load({ ...createLoad(config, target, users), seconds: UNTIMED_PHASE_SECONDS, amount: missing });
  if (result.succeeded < missing) throw new Error(`Creating tokens failed: ${JSON.stringify(result.failures)}`);
}

/** An authenticate load: each request presents the next unused token, and stops when they run out. */
function authenticateLoad(config: BenchConfig, target: Target): LoadOptions {
  return {
    url: target.server.url,
    path: '/v1/magic_links/authenticate',
    connections: config.connections,
    headers: HEADERS,
    body: () => JSON.stringify({ token: target.tokens[target.nextToken++] }),
    seconds: config.seconds,
    amount: target.tokens.length - target.nextToken,
  };
}

/**
 * One scenario on every target: a warm-up each (JIT, connection pools, caches), then `config.rounds` timed slices
 * each, alternating which target goes first so that a machine whose load drifts favours neither.
 */
async function compare(
  config: BenchConfig,
  kind: DatabaseKind,
  scenario: string,
  targets: Target[],
  loadFor: (target: Target, seconds: number) => Promise<LoadOptions>,
): Promise<Map<Target, LoadResult>> {
  if (config.warmupSeconds > 0) {
    for (const target of targets) {
      progress(`${kind}: ${target.name} ${scenario}, ${config.warmupSeconds} s warm-up`);
      const sample = await load({ ...(await loadFor(target, config.warmupSeconds)), seconds: config.warmupSeconds });
      target.fastest = Math.max(target.fastest, rate(sample));
    }
  }
  const slice = config.seconds / config.rounds;
  progress(`${kind}: ${scenario}, ${config.rounds} × ${slice} s per target at ${config.connections} connections`);
  const samples = new Map<Target, LoadSample[]>(targets.map((target) => [target, []]));
  const rounds = async () => {
    for (let round = 0; round < config.rounds; round++) {
      for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
        const options = await loadFor(target, slice);
        const cpuBefore = target.server.cpuSeconds();
        const sample = await load({ ...options, seconds: slice });
        const cpuAfter = target.server.cpuSeconds();
        target.fastest = Math.max(target.fastest, rate(sample));
        if (cpuBefore !== undefined && cpuAfter !== undefined) sample.cpuSeconds = cpuAfter - cpuBefore;
        samples.get(target)!.push(sample);
      }
    }
  };
  // Profiles, when asked for, cover the timed slices only.
  const profiled = targets.reduce<() => Promise<void>>(
    (work, target) => () =>
      target.server.profile(join(config.cpuProfileDir ?? '.', `${target.name}-${kind}-${scenario}.cpuprofile`), work),
    rounds,
  );
  await profiled();

  const results = new Map<Target, LoadResult>();
  for (const target of targets) {
    const result = summarize(samples.get(target)!);
    if (result.seconds < config.seconds * 0.9) {
      progress(`${kind}: ${target.name} ${scenario} ran ${result.seconds.toFixed(1)} s: it ran out of tokens`);
    }
    results.set(target, result);
  }
  return results;
}

async function describeMachine(config: BenchConfig, postgresUrl: string | undefined): Promise<string> {
  const cpu = cpus();
  const lines = [
    `Node ${process.version} on ${process.platform}/${process.arch}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}`,
    `${config.connections} connections; per scenario and target ${config.warmupSeconds} s warm-up, then ` +
      `${config.seconds} s in ${config.rounds} alternating slices`,
    `gateway: LOG_LEVEL=${config.logLevel}, RATE_LIMIT_PER_IP and RATE_LIMIT_PER_PROJECT=${config.rateLimit}`,
  ];
  if (postgresUrl && config.databases.includes('postgres')) {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    await client.end();
    lines.push(
      `PostgreSQL ${rows[0].server_version} (${config.postgresUrl ? 'BENCH_POSTGRES_URL' : 'throwaway cluster, fsync off'})`,
    );
  }
  return lines.join('\n') + '\n';
}

let config: BenchConfig;
try {
  config = readConfig(process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const watchdog = setTimeout(() => {
  progress(`did not finish within BENCH_TIMEOUT=${config.timeoutSeconds} s; stopping`);
  void cleanUp().finally(() => process.exit(1));
}, config.timeoutSeconds * 1000);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}

try {
  await main(config);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
