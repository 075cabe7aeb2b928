import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import { startPostgres } from '../test/support/postgres-server.js';
import { startMailSink, startRedis, sustainedEmail, type EmailResult, type MailSink } from './email.js';
import type { DatabaseKind } from './databases.js';
import { load, summarize, type LoadOptions, type LoadResult, type LoadSample } from './load.js';
import {
  formatEmailTable,
  formatFloorTable,
  formatStartTable,
  formatTable,
  type EmailRow,
  type Row,
  type StartRow,
  type TargetName,
} from './report.js';
import { createPostgresDatabase, freePort, startServer, type ChildServer } from './servers.js';

// `npm run bench`: the gateway against a bare NestJS baseline and against better-auth's magic-link plugin, on the
// same database, scenario by scenario, in one run. Only 127.0.0.1 is ever contacted; every phase is bounded in
// time and count. Settings: docs/benchmarks.md.

type Scenario = 'create' | 'authenticate' | 'session' | 'email';
type Queue = 'in-process' | 'bull';

const PROJECT_ID = 'project-test-00000000-0000-4000-8000-00000000be0c';
const SECRET = 'secret-test-benchmark-only-0000000000';
const TOKEN_HASH_KEY = randomBytes(32).toString('base64url');
const HEADERS = { authorization: `Basic ${Buffer.from(`${PROJECT_ID}:${SECRET}`).toString('base64')}` };
/** How long an untimed phase (seeding, topping up tokens) may take before the run gives up. */
const UNTIMED_PHASE_SECONDS = 180;
/** How many times an untimed phase tries again for what failed (timeouts on a machine shared with other jobs). */
const UNTIMED_ATTEMPTS = 3;

interface BenchConfig {
  scenarios: Scenario[];
  /** Which of the three run; the gateway's process runs in any case (it migrates and seeds the database). */
  targets: TargetName[];
  databases: DatabaseKind[];
  queues: Queue[];
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  emailSeconds: number;
  drainSeconds: number;
  mailConcurrency: number;
  connections: number;
  users: number;
  maxTokens: number;
  logLevel: string;
  rateLimit: string;
  postgresUrl: string | undefined;
  cpuProfileDir: string | undefined;
  timeoutSeconds: number;
}

function list<T extends string>(env: NodeJS.ProcessEnv, name: string, fallback: string, allowed: readonly T[]): T[] {
  const items = (env[name] || fallback).split(',').map((item) => item.trim());
  for (const item of items) {
    if (!allowed.includes(item as T)) {
      throw new Error(`${name}="${env[name]}" must list some of ${allowed.join(', ')}, comma-separated.`);
    }
  }
  return items as T[];
}

function readConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const seconds = integer(env, 'BENCH_DURATION', 10, 1, 600);
  const rounds = integer(env, 'BENCH_ROUNDS', 5, 1, 100);
  if (seconds / rounds < 1) {
    throw new Error(
      `BENCH_DURATION=${seconds} split into BENCH_ROUNDS=${rounds} gives slices under 1 s: use fewer rounds.`,
    );
  }
  return {
    scenarios: list(env, 'BENCH_SCENARIOS', 'create,authenticate,session,email', [
      'create',
      'authenticate',
      'session',
      'email',
    ] as const),
    targets: list(env, 'BENCH_TARGETS', 'gateway,baseline,floor,better-auth', [
      'gateway',
      'baseline',
      'floor',
      'better-auth',
    ] as const),
    databases: list(env, 'BENCH_DATABASES', 'sqlite,postgres', ['sqlite', 'postgres'] as const),
    queues: list(env, 'BENCH_EMAIL_QUEUES', 'in-process,bull', ['in-process', 'bull'] as const),
    seconds,
    rounds,
    warmupSeconds: integer(env, 'BENCH_WARMUP', 3, 0, 600),
    emailSeconds: integer(env, 'BENCH_EMAIL_DURATION', 60, 1, 600),
    drainSeconds: integer(env, 'BENCH_EMAIL_DRAIN', 300, 1, 3600),
    mailConcurrency: integer(env, 'BENCH_MAIL_CONCURRENCY', 5, 1, 100),
    connections: integer(env, 'BENCH_CONNECTIONS', 50, 1, 1000),
    users: integer(env, 'BENCH_USERS', 1000, 1, 100_000),
    maxTokens: integer(env, 'BENCH_MAX_TOKENS', 300_000, 1000, 10_000_000),
    logLevel: env.BENCH_LOG_LEVEL ?? 'info',
    // Far above what two cores can send, so that throttling never answers instead of the gateway.
    rateLimit: env.BENCH_RATE_LIMIT ?? '1000000000/60',
    postgresUrl: env.BENCH_POSTGRES_URL || undefined,
    cpuProfileDir: env.BENCH_CPU_PROFILE ? resolve(env.BENCH_CPU_PROFILE) : undefined,
    timeoutSeconds: integer(env, 'BENCH_TIMEOUT', 1800, 60, 86_400),
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

async function main(config: BenchConfig): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'magic-links-bench-'));
  cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));
  if (config.cpuProfileDir) mkdirSync(config.cpuProfileDir, { recursive: true });

  let postgresAdminUrl = config.postgresUrl;
  if (config.databases.includes('postgres') && !postgresAdminUrl) {
    progress('starting a throwaway PostgreSQL cluster');
    const server = await startPostgres(await freePort());
    cleanups.push(() => server.stop());
    postgresAdminUrl = server.url;
  }
  const sink = await startMailSink();
  cleanups.push(() => sink.close());
  const redisUrl =
    config.scenarios.includes('email') && config.queues.includes('bull') ? await startRedis(cleanups) : undefined;

  const runs: DatabaseRun[] = [];
  for (const kind of config.databases) {
    let databaseUrl: string;
    if (kind === 'sqlite') {
      databaseUrl = `sqlite:${join(workDir, 'bench.sqlite')}`;
    } else {
      const database = await createPostgresDatabase(postgresAdminUrl!);
      cleanups.push(() => database.drop());
      databaseUrl = database.url;
    }
    runs.push(await benchDatabase(config, kind, databaseUrl, workDir, sink, redisUrl));
  }
  const rs256 = await measureRs256();

  console.log(await describeMachine(config, postgresAdminUrl));
  const rows = runs.flatMap((run) => run.rows);
  if (rows.length > 0) console.log(formatTable(rows) + '\n');
  if (rows.some((row) => row.results.floor)) console.log(formatFloorTable(rows) + '\n');
  const emailRows = runs.flatMap((run) => run.emailRows);
  if (emailRows.length > 0) console.log(formatEmailTable(emailRows) + '\n');
  console.log(formatStartTable(runs.flatMap((run) => run.startRows)) + '\n');
  console.log(`one RS256 signature (2048-bit key, jose, in the bench process): ${rs256.toFixed(2)} CPU ms`);
}

/** How every measured gateway is configured: the bench's credentials, lifted rate limits, the chosen log level. */
function gatewayEnv(config: BenchConfig): Record<string, string> {
  return {
    MAGIC_LINKS_PROJECT_ID: PROJECT_ID,
    MAGIC_LINKS_SECRET: SECRET,
    MAGIC_LINKS_TOKEN_HASH_KEY: TOKEN_HASH_KEY,
    RATE_LIMIT_PER_IP: config.rateLimit,
    RATE_LIMIT_PER_PROJECT: config.rateLimit,
    // Far above what the load sends per address, so that every email request is a send.
    RATE_LIMIT_PER_EMAIL: '1000000000/60',
    RATE_LIMIT_PER_EMAIL_HOURLY: '1000000000/3600',
    RATE_LIMIT_EMAIL_PER_IP: config.rateLimit,
    // Every load connection comes from this one host.
    HTTP_MAX_CONNECTIONS_PER_IP: String(Math.max(256, config.connections * 2)),
    LOG_LEVEL: config.logLevel,
  };
}

interface Target {
  name: TargetName;
  server: ChildServer;
  /** Tokens this target created, presented in order by the authenticate loads, each once. */
  tokens: string[];
  nextToken: number;
  /** The best rate (2xx/s) this target has shown so far, to size the token supply. */
  fastest: number;
  /** A load that creates one link per request (the create scenario, and untimed top-ups of tokens). */
  createLoad(seconds: number): LoadOptions;
  /** After a create load: the tokens it made that its answers did not carry (better-auth mails them). */
  collectTokens(): Promise<void>;
  /** A load that presents the next unused token per request, asking for a session or not. */
  authenticateLoad(seconds: number, session: boolean): LoadOptions;
}

/** Addresses at this domain get no mail from the better-auth bench server, which keeps their tokens instead. */
const NO_MAIL_DOMAIN = 'no-mail.bench.example';
const MAIL_FROM: Record<string, string> = {
  gateway: 'gateway@bench.example',
  'gateway-bull': 'gateway-bull@bench.example',
  'better-auth': 'better-auth@bench.example',
};

/** One database's servers, scenarios and start-up measures. */
interface DatabaseRun {
  rows: Row[];
  emailRows: EmailRow[];
  startRows: StartRow[];
}

async function benchDatabase(
  config: BenchConfig,
  kind: DatabaseKind,
  databaseUrl: string,
  workDir: string,
  sink: MailSink,
  redisUrl: string | undefined,
): Promise<DatabaseRun> {
  const wanted = (name: TargetName) => config.targets.includes(name);
  progress(`${kind}: starting ${config.targets.join(', ')}`);
  // The gateway first, always: its migrations create the schema that the baseline then shares.
  const gatewaySpec = (name: string, from: string, redis: string | undefined) => ({
    name,
    script: 'dist/src/gateway/main.js',
    env: {
      DATABASE_URL: databaseUrl,
      SMTP_URL: sink.url,
      MAIL_FROM: from,
      MAIL_CONCURRENCY: String(config.mailConcurrency),
      ...(redis && { REDIS_URL: redis }),
      ...gatewayEnv(config),
    },
    readyPath: '/health',
    logDir: workDir,
    profiling: config.cpuProfileDir !== undefined,
  });
  const baselineSpec = {
    name: `baseline-${kind}`,
    script: 'dist/bench/baseline-main.js',
    env: { DATABASE_URL: databaseUrl, BASELINE_TOKEN_HASH_KEY: TOKEN_HASH_KEY },
    readyPath: '/',
    logDir: workDir,
    profiling: config.cpuProfileDir !== undefined,
  };
  const betterAuthSpec = {
    name: `better-auth-${kind}`,
    script: 'dist/bench/better-auth-main.js',
    env: {
      DATABASE_URL: databaseUrl,
      SMTP_URL: sink.url,
      MAIL_FROM: MAIL_FROM['better-auth'],
      MAIL_CONCURRENCY: String(config.mailConcurrency),
    },
    readyPath: '/api/auth/ok',
    logDir: workDir,
    profiling: config.cpuProfileDir !== undefined,
  };
  const servers: ChildServer[] = [];
  const start = async (spec: Parameters<typeof startServer>[0]) => {
    const server = await startServer(spec);
    servers.push(server);
    cleanups.push(() => server.stop());
    return server;
  };
  const gateway = await start(gatewaySpec(`gateway-${kind}`, MAIL_FROM.gateway, undefined));
  const targets: Target[] = [];
  const emailRows: EmailRow[] = [];
  const startRows: StartRow[] = [];
  const loaded = new Map<TargetName, number | undefined>();
  try {
    const users = await seedUsers(config, gateway, kind);
    if (wanted('gateway')) targets.push(stytchTarget(config, 'gateway', gateway, users));
    if (wanted('baseline') || wanted('floor')) {
      const baseline = await start(baselineSpec);
      if (wanted('baseline')) targets.push(stytchTarget(config, 'baseline', baseline, users));
      if (wanted('floor')) {
        targets.push(stytchTarget(config, 'floor', baseline, users, '/v1/magic_links/authenticate_as_gateway'));
      }
    }
    if (wanted('better-auth')) {
      const peer = betterAuthTarget(config, await start(betterAuthSpec));
      // Its users exist before the measures, as the gateway's do: one sign-in and verify per address, untimed.
      await supplyTokens(config, kind, peer, config.users, 0);
      await load({ ...peer.authenticateLoad(UNTIMED_PHASE_SECONDS, false), amount: config.users });
      peer.nextToken = peer.tokens.length;
      targets.push(peer);
    }

    const rows: Row[] = [];
    const row = (scenario: string, results: Map<Target, LoadResult>): Row => ({
      scenario,
      database: kind,
      results: Object.fromEntries([...results].map(([target, result]) => [target.name, result])),
    });
    let baselineCreate: LoadResult | undefined;
    if (config.scenarios.includes('create')) {
      // The floor's create is the baseline's own.
      const creators = targets.filter((target) => target.name !== 'floor');
      const created = await compare(config, kind, 'create', creators, async (target, seconds) =>
        target.createLoad(seconds),
      );
      rows.push(row('create vs sign-in', created));
      baselineCreate = [...created].find(([target]) => target.name === 'baseline')?.[1];
    }
    for (const session of [false, true]) {
      if (!config.scenarios.includes(session ? 'session' : 'authenticate')) continue;
      const scenario = session ? 'session' : 'authenticate';
      const results = await compare(config, kind, scenario, targets, async (target, seconds) => {
        await supplyTokens(config, kind, target, Math.ceil(2 * target.fastest * seconds), seconds);
        return target.authenticateLoad(seconds, session);
      });
      rows.push(row(session ? 'authenticate with session vs verify' : 'authenticate vs verify', results));
    }

    if (config.scenarios.includes('email')) {
      const peer = targets.find((target) => target.name === 'better-auth');
      const emailTargets: { label: string; server: () => Promise<ChildServer>; from: string; load: LoadOptions }[] = [];
      const gatewayLoad = (server: ChildServer): LoadOptions => ({
        url: server.url,
        path: '/v1/magic_links/email/login_or_create',
        connections: config.connections,
        headers: HEADERS,
        body: (index) => JSON.stringify({ email: users[index % users.length].email }),
        seconds: config.emailSeconds,
      });
      if (wanted('gateway') && config.queues.includes('in-process')) {
        emailTargets.push({
          label: 'gateway (in-process)',
          server: async () => gateway,
          from: MAIL_FROM.gateway,
          load: gatewayLoad(gateway),
        });
      }
      if (peer) {
        emailTargets.push({
          label: 'better-auth',
          server: async () => peer.server,
          from: MAIL_FROM['better-auth'],
          load: {
            url: peer.server.url,
            path: '/api/auth/sign-in/magic-link',
            connections: config.connections,
            headers: {},
            body: (index) => JSON.stringify({ email: `bench-mail-${index % config.users}@example.com` }),
            seconds: config.emailSeconds,
          },
        });
      }
      if (wanted('gateway') && config.queues.includes('bull')) {
        emailTargets.push({
          label: 'gateway (Bull)',
          server: async () => {
            // One gateway at a time on the database: the other's sweeper would deliver this one's mail.
            loaded.set('gateway', gateway.rssMegabytes());
            await gateway.stop();
            return start(gatewaySpec(`gateway-bull-${kind}`, MAIL_FROM['gateway-bull'], redisUrl));
          },
          from: MAIL_FROM['gateway-bull'],
          load: gatewayLoad(gateway),
        });
      }
      const results = new Map<string, EmailResult>();
      for (const target of emailTargets) {
        const server = await target.server();
        const options = { ...target.load, url: server.url };
        if (config.warmupSeconds > 0) {
          progress(`${kind}: ${target.label} email, ${config.warmupSeconds} s warm-up`);
          await sustainedEmail(server, sink, target.from, { ...options, seconds: config.warmupSeconds }, 120);
        }
        progress(`${kind}: ${target.label} email, ${config.emailSeconds} s sustained`);
        const result = await server.profile(
          join(config.cpuProfileDir ?? '.', `${target.label.replace(/\W+/g, '-')}-${kind}-email.cpuprofile`),
          () => sustainedEmail(server, sink, target.from, options, config.drainSeconds),
        );
        results.set(target.label, result);
        if (target.label === 'gateway (Bull)') await server.stop();
      }
      for (const [label, result] of results) {
        emailRows.push({ target: label, database: kind, result, peer: results.get('better-auth'), baselineCreate });
      }
    }

    // Start-up on the database the run leaves (migrated, with data), and memory idle and after the load.
    for (const target of targets) {
      if (!loaded.has(target.name)) loaded.set(target.name, target.server.rssMegabytes());
      await target.server.stop();
    }
    for (const [name, spec] of [
      ['gateway', gatewaySpec(`gateway-restart-${kind}`, MAIL_FROM.gateway, undefined)],
      ['baseline', { ...baselineSpec, name: `baseline-restart-${kind}` }],
      ['better-auth', { ...betterAuthSpec, name: `better-auth-restart-${kind}` }],
    ] as const) {
      if (!wanted(name)) continue;
      const server = await start({ ...spec, profiling: false });
      await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
      startRows.push({
        target: name,
        database: kind,
        startMs: server.startMs,
        idleRssMb: server.rssMegabytes(),
        loadedRssMb: loaded.get(name),
      });
      await server.stop();
    }
    return { rows, emailRows, startRows };
  } catch (error) {
    for (const server of servers) progress(`${kind}: ${server.name} output:\n${server.logTail()}`);
    throw error;
  } finally {
    for (const server of servers) await server.stop();
  }
}

/** How long a restarted server idles before its memory is read. */
const IDLE_SETTLE_MS = 3000;

/** The gateway or the baseline: the same Stytch-shaped requests, the token in the create's answer. */
function stytchTarget(
  config: BenchConfig,
  name: TargetName,
  server: ChildServer,
  users: SeededUser[],
  authenticatePath = '/v1/magic_links/authenticate',
): Target {
  const target: Target = {
    name,
    server,
    tokens: [],
    nextToken: 0,
    fastest: 0,
    createLoad: (seconds) => ({
      url: server.url,
      path: '/v1/magic_links',
      connections: config.connections,
      headers: HEADERS,
      body: (index: number) => JSON.stringify({ user_id: users[index % users.length].userId }),
      seconds,
      onResponse: (status: number, body: string) => {
        if (status === 200) target.tokens.push((JSON.parse(body) as { token: string }).token);
      },
    }),
    collectTokens: async () => undefined,
    authenticateLoad: (seconds, session) => ({
      url: server.url,
      path: authenticatePath,
      connections: config.connections,
      headers: HEADERS,
      body: () =>
        JSON.stringify({
          token: target.tokens[target.nextToken++],
          ...(session && { session_duration_minutes: 60 }),
        }),
      seconds,
      amount: target.tokens.length - target.nextToken,
    }),
  };
  return target;
}

/**
 * better-auth: `POST /api/auth/sign-in/magic-link` creates a link (for the create scenario at an address that gets
 * no mail, its token kept by the server), `GET /api/auth/magic-link/verify?token=` consumes it and always starts a
 * session, so it is the peer of both authenticates.
 */
function betterAuthTarget(config: BenchConfig, server: ChildServer): Target {
  const target: Target = {
    name: 'better-auth',
    server,
    tokens: [],
    nextToken: 0,
    fastest: 0,
    createLoad: (seconds) => ({
      url: server.url,
      path: '/api/auth/sign-in/magic-link',
      connections: config.connections,
      headers: {},
      body: (index: number) => JSON.stringify({ email: `bench-${index % config.users}@${NO_MAIL_DOMAIN}` }),
      seconds,
    }),
    collectTokens: async () => {
      const response = await fetch(`${server.url}/bench/tokens`);
      target.tokens.push(...((await response.json()) as string[]));
    },
    authenticateLoad: (seconds) => ({
      url: server.url,
      method: 'GET',
      path: () => `/api/auth/magic-link/verify?token=${target.tokens[target.nextToken++]}`,
      connections: config.connections,
      headers: {},
      seconds,
      amount: target.tokens.length - target.nextToken,
    }),
  };
  return target;
}

interface SeededUser {
  userId: string;
  email: string;
}

/**
 * `config.users` users through the gateway's own API; the baseline shares the database, so it sees them too. Requests
 * that fail or time out (a machine shared with other jobs) are tried again with new addresses, a few times.
 */
async function seedUsers(config: BenchConfig, gateway: ChildServer, kind: DatabaseKind): Promise<SeededUser[]> {
  progress(`${kind}: creating ${config.users} users`);
  const users: SeededUser[] = [];
  let failures: Record<string, number> = {};
  for (let attempt = 0; attempt < UNTIMED_ATTEMPTS && users.length < config.users; attempt++) {
    ({ failures } = await load({
      url: gateway.url,
      path: '/v1/users',
      connections: config.connections,
      headers: HEADERS,
      body: (index) => JSON.stringify({ email: `bench-${attempt * config.users + index}@example.com` }),
      seconds: UNTIMED_PHASE_SECONDS,
      amount: config.users - users.length,
      onResponse: (status, body) => {
        if (status !== 200) return;
        const { user_id, user } = JSON.parse(body) as { user_id: string; user: { emails: { email: string }[] } };
        users.push({ userId: user_id, email: user.emails[0].email });
      },
    }));
  }
  if (users.length < config.users) throw new Error(`Creating users failed: ${JSON.stringify(failures)}`);
  return users;
}

/**
 * Tops up, untimed, the target's unused tokens to `wanted` plus one per connection (within BENCH_MAX_TOKENS per
 * load), so that authenticate loads end on time rather than on running out.
 */
async function supplyTokens(
  config: BenchConfig,
  kind: DatabaseKind,
  target: Target,
  wanted: number,
  _seconds: number,
): Promise<void> {
  const missing = Math.min(config.maxTokens, wanted + config.connections) - (target.tokens.length - target.nextToken);
  if (missing <= 0) return;
  progress(`${kind}: ${target.name} creating ${missing} more tokens (untimed)`);
  const have = target.tokens.length;
  let failures: Record<string, number> = {};
  for (let attempt = 0; attempt < UNTIMED_ATTEMPTS && target.tokens.length - have < missing; attempt++) {
    const amount = missing - (target.tokens.length - have);
    ({ failures } = await load({ ...target.createLoad(UNTIMED_PHASE_SECONDS), amount }));
    await target.collectTokens();
  }
  if (target.tokens.length - have < missing) throw new Error(`Creating tokens failed: ${JSON.stringify(failures)}`);
}

/**
 * One scenario on every target: a warm-up each (JIT, connection pools, caches), then `config.rounds` timed slices
 * each, alternating the order of the targets so that a machine whose load drifts favours none.
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
      await target.collectTokens();
      target.fastest = Math.max(target.fastest, rate(sample));
    }
  }
  const slice = config.seconds / config.rounds;
  progress(`${kind}: ${scenario}, ${config.rounds} × ${slice} s per target at ${config.connections} connections`);
  const samples = new Map<Target, LoadSample[]>(targets.map((target) => [target, []]));
  for (let round = 0; round < config.rounds; round++) {
    for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
      const options = await loadFor(target, slice);
      // A profile, when asked for, covers this timed slice only: not the untimed top-ups between slices.
      const profile = join(config.cpuProfileDir ?? '.', `${target.name}-${kind}-${scenario}-${round + 1}.cpuprofile`);
      const sample = await target.server.profile(profile, async () => {
        const cpuBefore = target.server.cpuSeconds();
        const measured = await load({ ...options, seconds: slice });
        const cpuAfter = target.server.cpuSeconds();
        if (cpuBefore !== undefined && cpuAfter !== undefined) measured.cpuSeconds = cpuAfter - cpuBefore;
        return measured;
      });
      await target.collectTokens();
      target.fastest = Math.max(target.fastest, rate(sample));
      samples.get(target)!.push(sample);
    }
  }

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

/**
 * What one RS256 signature costs here, in the bench process while nothing else of the bench runs: a 2048-bit key,
 * jose's SignJWT (as the gateway signs session JWTs), a claim set the size of a session's.
 */
async function measureRs256(): Promise<number> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const sign = () =>
    new SignJWT({ 'https://stytch.com/session': { id: randomUUID(), started_at: new Date().toISOString() } })
      .setProtectedHeader({ alg: 'RS256', kid: 'bench', typ: 'JWT' })
      .setSubject(randomUUID())
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  for (let i = 0; i < 50; i++) await sign();
  const count = 400;
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) await sign();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / count;
}

async function describeMachine(config: BenchConfig, postgresUrl: string | undefined): Promise<string> {
  const cpu = cpus();
  const lines = [
    `Node ${process.version} on ${process.platform}/${process.arch}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}`,
    `${config.connections} connections; per scenario and target ${config.warmupSeconds} s warm-up, then ` +
      `${config.seconds} s in ${config.rounds} alternating slices; email: ${config.emailSeconds} s sustained per ` +
      `target, MAIL_CONCURRENCY ${config.mailConcurrency} (better-auth: as many pooled SMTP connections)`,
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
