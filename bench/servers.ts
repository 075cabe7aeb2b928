import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { ProfilerMessage } from './cpu-profile.js';

/** A server under test in its own Node process, its output going to a log file. */
export interface ChildServer {
  name: string;
  url: string;
  /** Runs `work` under a V8 CPU profile of this process written to `file` (a no-op unless `profiling`). */
  profile<T>(file: string, work: () => Promise<T>): Promise<T>;
  /** CPU time (user + system) the process has used so far, in seconds; undefined where /proc is missing. */
  cpuSeconds(): number | undefined;
  /** Resident memory of the process now, in MB; undefined where /proc is missing. */
  rssMegabytes(): number | undefined;
  /** Milliseconds from spawning the process to its first answer on `readyPath`. */
  startMs: number;
  /** The tail of what the process printed, to explain a failure. */
  logTail(): string;
  stop(): Promise<void>;
}

export interface ServerSpec {
  name: string;
  /** The script to run, relative to the project root. */
  script: string;
  env: Record<string, string>;
  /** A path that answers once the server is ready. */
  readyPath: string;
  logDir: string;
  /** Preload bench/cpu-profile.ts so that `profile()` works. */
  profiling?: boolean;
}

const START_LIMIT_MS = 120_000;

let clockTicks: number | undefined;

/** From Linux's /proc/<pid>/stat: fields 14 and 15 (utime, stime), in clock ticks. */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; the fields after it start with field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** VmRSS from Linux's /proc/<pid>/status. */
function rssMegabytesOf(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/status`)) return undefined;
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startServer(spec: ServerSpec): Promise<ChildServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(spec.logDir, `${spec.name}.log`);
  const log = openSync(logFile, 'w');
  const profiling = spec.profiling === true;
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [...(profiling ? ['--import', new URL('./cpu-profile.js', import.meta.url).href] : []), spec.script],
    {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        HOST: '127.0.0.1',
        ...spec.env,
      },
      stdio: ['ignore', log, log, ...(profiling ? (['ipc'] as const) : [])],
    },
  );
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const logTail = () => readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');

  // Generous: on a machine shared with other jobs a start can take many times its usual second or two.
  const deadline = Date.now() + START_LIMIT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${spec.name} exited (${child.exitCode}):\n${logTail()}`);
    try {
      await fetch(url + spec.readyPath);
      break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${spec.name} did not answer within ${START_LIMIT_MS / 1000} s:\n${logTail()}`);
    }
    // Polled often: the time to the first answer is one of the measures.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const startMs = performance.now() - spawnedAt;

  return {
    name: spec.name,
    url,
    logTail,
    cpuSeconds: () => cpuSecondsOf(child.pid),
    rssMegabytes: () => rssMegabytesOf(child.pid),
    startMs,
    async profile(file, work) {
      if (!profiling) return work();
      const tell = (message: ProfilerMessage) =>
        new Promise<void>((resolve) => {
          child.once('message', () => resolve());
          child.send(message);
        });
      await tell({ profiler: 'start' });
      const result = await work();
      await tell({ profiler: 'stop', file });
      return result;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** A database of its own for one benchmark run. */
export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new database on the PostgreSQL server `adminUrl` points at (its user needs CREATEDB). */
export async function createPostgresDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `magic_links_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
