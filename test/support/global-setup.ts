import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_ROOT = '/usr/lib/postgresql';

/** A throwaway PostgreSQL cluster (Debian's `postgresql` binaries), owned by the `postgres` user when run as root. */
export interface PostgresServer {
  url: string;
  stop(): void;
}

function binary(name: string): string {
  const versions = existsSync(PG_ROOT) ? readdirSync(PG_ROOT).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const candidate = join(PG_ROOT, version, 'bin', name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    `PostgreSQL's ${name} was not found under ${PG_ROOT}: install Debian's postgresql package (bash .ci/run does), or set TEST_POSTGRES_URL.`,
  );
}

function asOwner(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

export async function startPostgres(port: number): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'magic-links-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  const [initdb, initArgs] = asOwner(binary('initdb'), [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  execFileSync(initdb, initArgs, { stdio: 'ignore' });
  const [postgres, args] = asOwner(binary('postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=300',
  ]);
  const child = spawn(postgres, args, { stdio: 'ignore', detached: false });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const [isready, readyArgs] = [binary('pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]];
  for (let attempt = 0; ; attempt++) {
    try {
      execFileSync(isready, readyArgs, { stdio: 'ignore' });
      break;
    } catch {
      if (attempt > 100 || child.exitCode !== null) throw new Error('PostgreSQL did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    stop() {
      const [pgCtl, stopArgs] = asOwner(binary('pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w']);
      execFileSync(pgCtl, stopArgs, { stdio: 'ignore' });
      child.unref();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the real PostgreSQL the e2e suites run against, unless TEST_POSTGRES_URL names one already.
 * Each suite then creates its own database on it. (One file: jest loads global setup without its module mapper.)
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_POSTGRES_URL) return;
  const server = await startPostgres(54329 + (process.pid % 500));
  process.env.TEST_POSTGRES_URL = server.url;
  (globalThis as { postgresServer?: { stop(): void } }).postgresServer = server;
}
