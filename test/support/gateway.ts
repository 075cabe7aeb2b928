import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { trustingFetch } from './tls.js';

export type DatabaseKind = 'sqlite' | 'postgres';
export const DATABASES: DatabaseKind[] = ['sqlite', 'postgres'];

export const PROJECT_ID = 'project-test-11111111-1111-4111-8111-111111111111';
export const SECRET = 'secret-test-11111111-1111-4111-8111-111111111111';
export const AUTH = `Basic ${Buffer.from(`${PROJECT_ID}:${SECRET}`).toString('base64')}`;

/** A fresh, empty database of the given kind: a SQLite file in a temp folder, or a new PostgreSQL database. */
export async function freshDatabaseUrl(kind: DatabaseKind): Promise<string> {
  if (kind === 'sqlite') return `sqlite:${join(mkdtempSync(join(tmpdir(), 'magic-links-')), 'test.sqlite')}`;
  const admin = process.env.TEST_POSTGRES_URL;
  if (!admin) throw new Error('TEST_POSTGRES_URL is not set: the jest global setup starts PostgreSQL.');
  const name = `magic_links_${randomUUID().replace(/-/g, '')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs SQL straight against a gateway's database, bypassing the gateway. Placeholders are `$1, $2, …`. */
export async function queryDatabase<T = Record<string, unknown>>(
  databaseUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Database(databaseUrl.slice('sqlite:'.length));
    try {
      const statement = db.prepare(sql.replace(/\$\d+/g, '?'));
      return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as T[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
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

export interface GatewayResponse {
  status: number;
  headers: Headers;
  body: any;
}

export interface RunningGateway {
  url: string;
  databaseUrl: string;
  /** Where the gateway writes mail as `.eml` files when no `SMTP_URL` is given: a fresh folder per gateway. */
  outboxDir: string;
  process: ChildProcess;
  /** What the gateway printed (stdout and stderr). */
  output(): string;
  /** The gateway's JSON log lines, parsed; other output is skipped. */
  logs(): Record<string, any>[];
  /** Resolves once `predicate` holds for the output printed so far; fails after `timeoutMs`. */
  waitForOutput(predicate: (output: string) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves when the process has exited, with its exit code and the signal that ended it, if any. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** JSON request with Basic auth (unless `auth: null`). */
  request(
    method: string,
    path: string,
    body?: unknown,
    options?: { auth?: string | null; headers?: Record<string, string> },
  ): Promise<GatewayResponse>;
  close(): Promise<void>;
}

/**
 * Boots the real gateway, `node dist/src/gateway/main.js` as `npm start` runs it (npm test builds first), on a free port,
 * and waits until /health answers (at most `startTimeoutMs`). With `tls.ca`, the gateway serves HTTPS (pass
 * `TLS_CERT_FILE` and `TLS_KEY_FILE` in `env`) and the test's requests trust that certificate.
 */
export async function startGateway(
  database: DatabaseKind | { url: string },
  env: Record<string, string> = {},
  tls?: { ca: string },
  { startTimeoutMs = 20_000 }: { startTimeoutMs?: number } = {},
): Promise<RunningGateway> {
  const databaseUrl = typeof database === 'string' ? await freshDatabaseUrl(database) : database.url;
  const port = await freePort();
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const fetch = tls ? trustingFetch(tls.ca) : globalThis.fetch;
  const outboxDir = env.MAIL_OUTBOX_DIR ?? mkdtempSync(join(tmpdir(), 'magic-links-outbox-'));
  const child = spawn(process.execPath, ['dist/src/gateway/main.js'], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      MAGIC_LINKS_PROJECT_ID: PROJECT_ID,
      MAGIC_LINKS_SECRET: SECRET,
      MAGIC_LINKS_PUBLIC_URL: url,
      DATABASE_URL: databaseUrl,
      MAIL_OUTBOX_DIR: outboxDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const request: RunningGateway['request'] = async (method, path, body, options = {}) => {
    const auth = options.auth === undefined ? AUTH : options.auth;
    const response = await fetch(url + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(auth ? { authorization: auth } : {}),
        ...options.headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: the test asserts on the text.
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The gateway exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The gateway did not become healthy within ${startTimeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    databaseUrl,
    outboxDir,
    process: child,
    output: () => output,
    logs: () =>
      output.split('\n').flatMap((line) => {
        if (!line.startsWith('{')) return [];
        try {
          return [JSON.parse(line) as Record<string, any>];
        } catch {
          return [];
        }
      }),
    async waitForOutput(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(output)) {
        if (Date.now() > deadline)
          throw new Error(`The expected output did not appear within ${timeoutMs} ms:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    exited,
    request,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** Asserts the body is exactly Stytch's error envelope, with this status and error_type. */
export function expectStytchError(response: GatewayResponse, status: number, errorType: string): void {
  expect({ status: response.status, error_type: response.body?.error_type }).toEqual({ status, error_type: errorType });
  expect(Object.keys(response.body).sort()).toEqual(
    ['error_message', 'error_type', 'error_url', 'request_id', 'status_code'].sort(),
  );
  expect(response.body.status_code).toBe(status);
  expect(response.body.request_id).toMatch(/^request-id-test-[0-9a-f-]{36}$/);
  expect(typeof response.body.error_message).toBe('string');
  expect(response.body.error_message.length).toBeGreaterThan(10);
}
