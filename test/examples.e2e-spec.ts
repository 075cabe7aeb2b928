import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { officialClient } from './support/sessions.js';
import { AUTH, freePort, PROJECT_ID, SECRET, startGateway, type RunningGateway } from './support/gateway.js';

const ROOT = process.cwd();
const EXAMPLES = ['express-esm', 'commonjs'] as const;
const REDIRECT_URL = 'http://localhost:3000/authenticate';

interface Answer {
  status: number;
  body: string;
}

interface RunningHost {
  url: string;
  output(): string;
  close(): Promise<void>;
}

/** `npm pack`s the library as it would be published; returns the tarball's path. */
function packLibrary(): string {
  const destination = mkdtempSync(join(tmpdir(), 'magic-links-pack-'));
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', destination], { cwd: ROOT, encoding: 'utf8' }),
  ) as { filename: string }[];
  return join(destination, packed.filename);
}

/**
 * Puts the tarball where `npm install` would, `examples/<name>/node_modules/nestjs-magic-links`. Its dependencies
 * and peers then resolve from the repository's node_modules, one copy of each, as npm would hoist them; the
 * test below checks that the package declares every package it imports.
 */
function installInto(example: string, tarball: string): void {
  const target = join(ROOT, 'examples', example, 'node_modules', 'nestjs-magic-links');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '--strip-components=1', '-C', target]);
  rmSync(join(ROOT, 'examples', example, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', `examples/${example}`], {
    cwd: ROOT,
  });
}

/** Every package the installed library's code imports, by name (`node:` built-ins left out). */
function importedPackages(directory: string): Set<string> {
  const names = new Set<string>();
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const code = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const [, specifier] of code.matchAll(/(?:from\s+|import\s*\(\s*)'([^'.][^']*)'/g)) {
      if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      const parts = specifier.split('/');
      names.add(specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
    }
  }
  return names;
}

async function startHost(example: string): Promise<RunningHost> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const data = mkdtempSync(join(tmpdir(), `magic-links-${example}-`));
  const child: ChildProcess = spawn(process.execPath, ['dist/main.js'], {
    cwd: join(ROOT, 'examples', example),
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      MAGIC_LINKS_PROJECT_ID: PROJECT_ID,
      MAGIC_LINKS_SECRET: SECRET,
      PUBLIC_URL: url,
      REDIRECT_URL,
      DATABASE: join(data, 'app.sqlite'),
      OUTBOX_DIR: join(data, 'outbox'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 20_000;
  while (!output.includes('listening on')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The ${example} host did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    output: () => output,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** The answer as bytes, with what differs between two runs by design (ids, times, secrets) replaced by a name. */
function normalized(body: string): string {
  return body
    .replace(/"(token|session_token|session_jwt|n)":"[^"]*"/g, '"$1":"<$1>"')
    .replace(/\b([a-z-]+)-(test|live)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '$1-$2-<id>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>');
}

/**
 * Runs the same conversation, through the official client and a few raw requests, against one base URL and
 * returns every answer in order. Valid calls and invalid input alike: a host's global pipe, filter and guard must
 * change none of them.
 */
async function conversation(url: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    answers.push({ status: response.status, body: normalized(await response.clone().text()) });
    return response;
  };
  const settle = (call: Promise<unknown>) =>
    call.then(
      (value) => value as any,
      () => undefined,
    );
  try {
    const client = officialClient({ url });
    const user = await settle(client.users.create({ email: 'ada@example.com', name: { first_name: 'Ada' } }));
    await settle(client.users.get({ user_id: user.user_id }));
    const link = await settle(client.magicLinks.create({ user_id: user.user_id, expiration_minutes: 10 }));
    await settle(client.magicLinks.authenticate({ token: link.token, session_duration_minutes: 60 }));
    await settle(client.magicLinks.authenticate({ token: link.token }));
    await settle(client.magicLinks.email.loginOrCreate({ email: 'grace@example.com' }));
    await settle(client.magicLinks.email.send({ email: 'ada@example.com' }));
    await settle(client.magicLinks.email.invite({ email: 'linus@example.com' }));
    await settle(client.magicLinks.email.revokeInvite({ email: 'linus@example.com' }));
    await settle(client.sessions.authenticate({ session_token: 'no-such-session-token' }));
    await fetch(`${url}/v1/sessions/jwks/${PROJECT_ID}`);
    // Invalid input.
    await settle(client.users.create({ email: 'not-an-email' }));
    await settle(client.magicLinks.email.loginOrCreate({ email: 'edsger@example.com', unknown_field: 1 } as any));
    await settle(client.magicLinks.create({ user_id: user.user_id, expiration_minutes: '60' as any }));
    await settle(client.magicLinks.create({ user_id: 'user-test-00000000-0000-4000-8000-000000000000' }));
    await settle(client.magicLinks.authenticate({ token: 'CprTtwhnRNiMBiUS2jSLcWYrfuO2POeBNdo5HhW6qTM=' }));
    await settle(client.magicLinks.email.send({ email: 'barbara@example.com', locale: 'xx' as any }));
    await settle(client.users.delete({ user_id: user.user_id }));
    await settle(client.users.get({ user_id: user.user_id }));
    const raw = (path: string, body: string, authorization = AUTH) =>
      fetch(url + path, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body });
    await raw('/v1/users', '[]');
    await raw('/v1/users', '{"email":"ada@example.com"}', 'Basic d3Jvbmc6Y3JlZGVudGlhbHM=');
  } finally {
    globalThis.fetch = realFetch;
  }
  return answers;
}

describe('The example host apps, on the packed library', () => {
  let tarball: string;
  let gateway: RunningGateway;
  let expected: Answer[];
  beforeAll(async () => {
    tarball = packLibrary();
    for (const example of EXAMPLES) installInto(example, tarball);
    gateway = await startGateway('sqlite', {
      MAGIC_LINKS_LOGIN_REDIRECT_URLS: REDIRECT_URL,
      MAGIC_LINKS_SIGNUP_REDIRECT_URLS: REDIRECT_URL,
      MAGIC_LINKS_INVITE_REDIRECT_URLS: REDIRECT_URL,
    });
    expected = await conversation(gateway.url);
  }, 180_000);
  afterAll(async () => {
    await gateway?.close();
    rmSync(join(tarball, '..'), { recursive: true, force: true });
  });

  it('declares every package its code imports, as a dependency or a peer', () => {
    const manifest = JSON.parse(
      readFileSync(join(ROOT, 'examples/express-esm/node_modules/nestjs-magic-links/package.json'), 'utf8'),
    ) as Record<string, Record<string, string> | undefined>;
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const imported = importedPackages(join(ROOT, 'examples/express-esm/node_modules/nestjs-magic-links/dist'));
    expect([...imported].filter((name) => !declared.has(name))).toEqual([]);
    // The framework is the host's (one copy of each), and what only the gateway uses is not installed into a host.
    const installed = Object.keys(manifest.dependencies ?? {});
    for (const name of ['@nestjs/common', '@nestjs/core', '@nestjs/typeorm', 'typeorm', '@nestjs/swagger']) {
      expect(manifest.peerDependencies).toHaveProperty([name]);
      expect(installed).not.toContain(name);
    }
    const gatewayOnly = ['@nestjs/platform-fastify', 'helmet', '@fastify/static', '@nestjs/terminus'];
    gatewayOnly.push('nestjs-pino', 'pino', 'pino-http', 'ioredis', 'pg', 'better-sqlite3', '@nestjs/bull', 'bull');
    expect(installed.filter((name) => gatewayOnly.includes(name))).toEqual([]);
  });

  describe.each(EXAMPLES)('examples/%s', (example) => {
    let host: RunningHost;
    beforeAll(async () => {
      host = await startHost(example);
    }, 30_000);
    afterAll(() => host?.close());

    it('answers the official client exactly as the gateway does, for valid and invalid input', async () => {
      expect(expected.length).toBeGreaterThan(20);
      const answers = await conversation(host.url);
      expect(answers).toEqual(expected);
    });

    it("leaves a body that is not JSON to the host's body parser, which runs before any route", async () => {
      const response = await fetch(`${host.url}/v1/users`, {
        method: 'POST',
        headers: { authorization: AUTH, 'content-type': 'application/json' },
        body: '{"email":',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { status: 400 } });
    });

    it("keeps the host's own pipe, guard and filter on the host's own routes", async () => {
      const response = await fetch(`${host.url}/greetings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Ada', admin: true }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: { status: 400, message: 'Bad Request Exception' } });
    });
  });
});
