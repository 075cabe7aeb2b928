import { Client, StytchError } from 'stytch';
import type { Dispatcher } from 'undici';
import { PROJECT_ID, SECRET, type DatabaseKind, type RunningGateway } from './gateway.js';

/** A timestamp as the gateway stores it: timestamptz on PostgreSQL, TypeORM's UTC text on SQLite. */
export function storedTime(database: DatabaseKind, date: Date): Date | string {
  return database === 'postgres' ? date : date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The official client, pointed at the gateway (or a host app serving the module), with the test secret or `secret`.
 * Each has its own JWKS cache.
 */
export function officialClient(gateway: Pick<RunningGateway, 'url'>, dispatcher?: Dispatcher, secret = SECRET): Client {
  // The client warns on every custom `env`; pointing it at this gateway is the whole point, so keep that quiet.
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    // `fraud_env` too: the client sends its fraud calls (fingerprint lookup, rules, verdict reasons) there.
    return new Client({
      project_id: PROJECT_ID,
      secret,
      env: `${gateway.url}/`,
      fraud_env: `${gateway.url}/`,
      dispatcher,
    });
  } finally {
    console.warn = warn;
  }
}

/** Asserts that a call of the official client failed with this Stytch error. */
export async function expectClientError(call: Promise<unknown>, status: number, errorType: string): Promise<void> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StytchError);
  expect({ status: (error as StytchError).status_code, type: (error as StytchError).error_type }).toEqual({
    status,
    type: errorType,
  });
}

/** Asserts that the official client's local JWT check refuses the JWT. */
export async function expectLocallyRefused(call: Promise<unknown>): Promise<void> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toMatchObject({ code: 'jwt_invalid' });
}
