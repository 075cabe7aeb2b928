import {
  calculateJwkThumbprint,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import type { Client } from 'stytch';
import {
  DATABASES,
  PROJECT_ID,
  queryDatabase,
  startGateway,
  type DatabaseKind,
  type RunningGateway,
} from './support/gateway.js';
import { expectClientError, expectLocallyRefused, officialClient, storedTime } from './support/sessions.js';

const DAY_MS = 24 * 60 * 60_000;

async function jwksKids(gateway: RunningGateway): Promise<string[]> {
  const response = await gateway.request('GET', `/v1/sessions/jwks/${PROJECT_ID}`, undefined, { auth: null });
  expect(response.status).toBe(200);
  return response.body.keys.map((key: { kid: string }) => key.kid);
}

async function startSession(stytch: Client, email: string) {
  const { user_id } = await stytch.users.create({ email });
  const { token } = await stytch.magicLinks.create({ user_id });
  return stytch.magicLinks.authenticate({ token, session_duration_minutes: 60 });
}

const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid;

describe.each(DATABASES)('Session signing key rotation on %s', (database: DatabaseKind) => {
  const env = { MAGIC_LINKS_SESSION_KEY_ROTATION_DAYS: '30' };
  let gateway: RunningGateway;
  afterEach(() => gateway.close());

  const restart = async () => {
    await gateway.close();
    gateway = await startGateway({ url: gateway.databaseUrl }, env);
  };

  it('stores the key encrypted, and keeps a rotated key in the JWKS until the JWTs it signed have expired', async () => {
    gateway = await startGateway(database, env);
    const first = await startSession(officialClient(gateway), `rotation-${database}@example.com`);
    const oldKid = kidOf(first.session_jwt)!;
    const [stored] = await queryDatabase<{ kid: string; public_jwk: string; private_jwe: string }>(
      gateway.databaseUrl,
      'SELECT kid, public_jwk, private_jwe FROM session_signing_keys',
    );
    expect(stored.kid).toBe(oldKid);
    expect(JSON.parse(stored.public_jwk)).not.toHaveProperty('d');
    expect(stored.private_jwe.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(stored.private_jwe)).toEqual({ alg: 'dir', enc: 'A256GCM', kid: oldKid });

    // The key turns 31 days old: the next start rotates it.
    await queryDatabase(gateway.databaseUrl, 'UPDATE session_signing_keys SET created_at = $1', [
      storedTime(database, new Date(Date.now() - 31 * DAY_MS)),
    ]);
    await restart();
    let stytch = officialClient(gateway);
    const kids = await jwksKids(gateway);
    expect(kids).toHaveLength(2);
    expect(kids[1]).toBe(oldKid);
    await expect(stytch.sessions.authenticateJwtLocal({ session_jwt: first.session_jwt })).resolves.toMatchObject({
      session_id: first.session!.session_id,
    });
    const refreshed = await stytch.sessions.authenticate({ session_token: first.session_token });
    expect(kidOf(refreshed.session_jwt)).toBe(kids[0]);
    const rows = await queryDatabase<{ kid: string; active: unknown; retired_at: unknown }>(
      gateway.databaseUrl,
      'SELECT kid, active, retired_at FROM session_signing_keys ORDER BY created_at',
    );
    expect(rows.map((row) => [row.kid, Boolean(row.active), row.retired_at !== null])).toEqual([
      [oldKid, false, true],
      [kids[0], true, false],
    ]);

    // An hour after the rotation, every JWT the old key signed has expired: the key leaves the JWKS.
    await queryDatabase(gateway.databaseUrl, 'UPDATE session_signing_keys SET retired_at = $1 WHERE kid = $2', [
      storedTime(database, new Date(Date.now() - 2 * 60 * 60_000)),
      oldKid,
    ]);
    await restart();
    stytch = officialClient(gateway);
    expect(await jwksKids(gateway)).toEqual([kids[0]]);
    await expectLocallyRefused(stytch.sessions.authenticateJwtLocal({ session_jwt: first.session_jwt }));
    await expectClientError(
      stytch.sessions.authenticate({ session_jwt: first.session_jwt }),
      400,
      'unable_to_parse_session_jwt',
    );
    await expect(stytch.sessions.authenticateJwtLocal({ session_jwt: refreshed.session_jwt })).resolves.toBeDefined();
    expect((await stytch.sessions.authenticate({ session_token: first.session_token })).session.session_id).toBe(
      first.session!.session_id,
    );
  });
});

describe('Stored session signing keys', () => {
  it('refuse to start with an encryption key other than the one they were stored with', async () => {
    const gateway = await startGateway('sqlite');
    await gateway.close();
    await expect(
      startGateway({ url: gateway.databaseUrl }, { MAGIC_LINKS_SESSION_KEY_ENCRYPTION_KEY: 'k'.repeat(32) }),
    ).rejects.toThrow(/cannot be decrypted with the configured sessionKeyEncryptionKey/);
  });

  it('are generated once when two gateways start at once on one PostgreSQL database', async () => {
    const migrated = await startGateway('postgres');
    const url = migrated.databaseUrl;
    await migrated.close();
    await queryDatabase(url, 'DELETE FROM session_signing_keys');

    const gateways = await Promise.all([startGateway({ url }), startGateway({ url })]);
    try {
      const rows = await queryDatabase<{ kid: string; active: boolean }>(
        url,
        'SELECT kid, active FROM session_signing_keys',
      );
      expect(rows).toEqual([{ kid: expect.any(String), active: true }]);
      for (const gateway of gateways) expect(await jwksKids(gateway)).toEqual([rows[0].kid]);
      // A JWT from either gateway verifies against the other's JWKS.
      const [a, b] = gateways.map((gateway) => officialClient(gateway));
      const fromA = await startSession(a, 'twin-a@example.com');
      const fromB = await startSession(b, 'twin-b@example.com');
      expect([kidOf(fromA.session_jwt), kidOf(fromB.session_jwt)]).toEqual([rows[0].kid, rows[0].kid]);
      await expect(b.sessions.authenticateJwtLocal({ session_jwt: fromA.session_jwt })).resolves.toBeDefined();
      await expect(a.sessions.authenticateJwtLocal({ session_jwt: fromB.session_jwt })).resolves.toBeDefined();
    } finally {
      await Promise.all(gateways.map((gateway) => gateway.close()));
    }
  });
});

describe('Session signing keys supplied through MAGIC_LINKS_SESSION_SIGNING_KEYS', () => {
  let gateway: RunningGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  /** The claims of a real JWT, re-signed with `privateKey` after `change`. */
  const resign = (jwt: string, privateKey: CryptoKey, change: Partial<JWTPayload>) =>
    new SignJWT({ ...decodeJwt(jwt), ...change })
      .setProtectedHeader({ alg: 'RS256', kid: kidOf(jwt), typ: 'JWT' })
      .sign(privateKey);

  it('signs with the first key, refuses a wrong audience or issuer, refreshes an expired JWT, and rotates by configuration', async () => {
    const first = await generateKeyPair('RS256', { extractable: true });
    const firstKid = await calculateJwkThumbprint(await exportJWK(first.publicKey));
    // PEM with "\n" escapes, as an env file that cannot hold newlines carries it.
    const pem = (await exportPKCS8(first.privateKey)).replace(/\n/g, '\\n');
    let running = await startGateway('sqlite', { MAGIC_LINKS_SESSION_SIGNING_KEYS: pem });
    gateway = running;
    let stytch = officialClient(running);
    const started = await startSession(stytch, 'supplied@example.com');
    expect(kidOf(started.session_jwt)).toBe(firstKid);
    expect(await jwksKids(running)).toEqual([firstKid]);
    expect(await queryDatabase(running.databaseUrl, 'SELECT kid FROM session_signing_keys')).toEqual([]);

    for (const change of [{ aud: ['project-test-someone-else'] }, { iss: 'stytch.com/project-test-someone-else' }]) {
      const wrong = await resign(started.session_jwt, first.privateKey, change);
      await expectLocallyRefused(stytch.sessions.authenticateJwtLocal({ session_jwt: wrong }));
      await expectClientError(stytch.sessions.authenticate({ session_jwt: wrong }), 400, 'unable_to_parse_session_jwt');
    }

    // Expired five minutes ago: refused locally, but while the session lives the gateway refreshes it.
    const now = Math.floor(Date.now() / 1000);
    const expired = await resign(started.session_jwt, first.privateKey, {
      iat: now - 600,
      nbf: now - 600,
      exp: now - 300,
    });
    await expectLocallyRefused(stytch.sessions.authenticateJwtLocal({ session_jwt: expired }));
    const refreshed = await stytch.sessions.authenticateJwt({ session_jwt: expired });
    expect(refreshed).toMatchObject({ status_code: 200, session: { session_id: started.session!.session_id } });
    expect(decodeJwt(refreshed.session_jwt).exp).toBeGreaterThan(now);
    await expect(stytch.sessions.authenticateJwtLocal({ session_jwt: refreshed.session_jwt })).resolves.toBeDefined();

    // Rotation by configuration: the new key first, the old one kept to verify what it signed.
    const second = await generateKeyPair('RS256', { extractable: true });
    const keys = [{ ...(await exportJWK(second.privateKey)), kid: 'second-key' }, await exportJWK(first.privateKey)];
    await running.close();
    running = await startGateway(
      { url: running.databaseUrl },
      { MAGIC_LINKS_SESSION_SIGNING_KEYS: JSON.stringify({ keys }) },
    );
    gateway = running;
    stytch = officialClient(running);
    expect(await jwksKids(running)).toEqual(['second-key', firstKid]);
    await expect(stytch.sessions.authenticateJwtLocal({ session_jwt: refreshed.session_jwt })).resolves.toBeDefined();
    const next = await stytch.sessions.authenticate({ session_token: started.session_token });
    expect(kidOf(next.session_jwt)).toBe('second-key');
    await expect(stytch.sessions.authenticateJwtLocal({ session_jwt: next.session_jwt })).resolves.toBeDefined();
  });

  it('refuses to start with a key that is not an RSA private key', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    await expect(
      startGateway('sqlite', { MAGIC_LINKS_SESSION_SIGNING_KEYS: await exportPKCS8(privateKey) }),
    ).rejects.toThrow(/sessionSigningKeys\[0\] must be an RSA key of at least 2048 bits/);
  });
});
