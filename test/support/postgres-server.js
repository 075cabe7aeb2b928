// Plain JavaScript on purpose: jest loads its global setup through CommonJS `require` without the module mapper,
// so the setup can only import a relative `.js` that exists as such; bench/ imports this file too.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_ROOT = '/usr/lib/postgresql';

/**
 * A throwaway PostgreSQL cluster (Debian's `postgresql` binaries), owned by the `postgres` user when run as root.
 * @typedef {{ url: string, stop(): void }} PostgresServer
 */

/** @param {string} name */
function binary(name) {
  const versions = existsSync(PG_ROOT) ? readdirSync(PG_ROOT).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const candidate = join(PG_ROOT, version, 'bin', name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    `PostgreSQL's ${name} was not found under ${PG_ROOT}: install Debian's postgresql package (bash .ci/run does), or point TEST_POSTGRES_URL (tests) / BENCH_POSTGRES_URL (bench) at a server.`,
  );
}

/**
 * @param {string} command
 * @param {string[]} args
 * @returns {[string, string[]]}
 */
function asOwner(command, args) {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/**
 * Starts a cluster on 127.0.0.1:`port`, trusting local connections and trading durability for speed (fsync off).
 * @param {number} port
 * @returns {Promise<PostgresServer>}
 */
export async function startPostgres(port) {
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
