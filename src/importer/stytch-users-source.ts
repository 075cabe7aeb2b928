/** A user as Stytch's `POST /v1/users/search` returns it: the fields the import carries over, and the ones it reports. */
export interface SourceUser {
  user_id: string;
  emails?: { email_id: string; email: string; verified: boolean }[];
  status: string;
  name?: { first_name?: string; middle_name?: string; last_name?: string } | null;
  trusted_metadata?: Record<string, unknown> | null;
  untrusted_metadata?: Record<string, unknown> | null;
  external_id?: string | null;
  created_at: string;
  phone_numbers?: unknown[];
  providers?: unknown[];
  webauthn_registrations?: unknown[];
  totps?: unknown[];
  crypto_wallets?: unknown[];
  biometric_registrations?: unknown[];
  password?: unknown;
}

export interface SourcePage {
  users: SourceUser[];
  total: number;
  nextCursor: string | null;
}

export interface StytchUsersSourceOptions {
  /** `https://api.stytch.com`, `https://test.stytch.com` or any server that speaks Stytch's API. */
  baseUrl: string;
  projectId: string;
  secret: string;
  pageSize: number;
  /** Search calls per minute at most: Stytch allows 150. */
  requestsPerMinute: number;
  /** Attempts per page when the source answers 429 or 5xx or cannot be reached. */
  attempts?: number;
}

/** An answer of the source that retrying will not change (bad credentials, a refused query…). */
export class SourceError extends Error {}

/**
 * Pages a Stytch project's users through its own `POST /v1/users/search`, with plain `fetch` and Basic auth, at
 * most `requestsPerMinute`, retrying what a retry can fix.
 */
export class StytchUsersSource {
  private readonly authorization: string;
  private nextCallAt = 0;

  constructor(private readonly options: StytchUsersSourceOptions) {
    this.authorization = `Basic ${Buffer.from(`${options.projectId}:${options.secret}`).toString('base64')}`;
  }

  async page(cursor: string | null): Promise<SourcePage> {
    const attempts = this.options.attempts ?? 6;
    for (let attempt = 1; ; attempt++) {
      await this.pace();
      let response: Response;
      try {
        response = await fetch(new URL('/v1/users/search', this.options.baseUrl), {
          method: 'POST',
          headers: { authorization: this.authorization, 'content-type': 'application/json' },
          body: JSON.stringify({ limit: this.options.pageSize, ...(cursor ? { cursor } : {}) }),
          signal: AbortSignal.timeout(60_000),
        });
      } catch (error) {
        if (attempt >= attempts) throw new SourceError(`${this.options.baseUrl} cannot be reached: ${String(error)}`);
        await this.backOff(attempt);
        continue;
      }
      const body = (await response.json().catch(() => undefined)) as
        | {
            results?: SourceUser[];
            results_metadata?: { total?: number; next_cursor?: string | null };
            error_type?: string;
            error_message?: string;
          }
        | undefined;
      if (response.ok && Array.isArray(body?.results)) {
        return {
          users: body.results,
          total: body.results_metadata?.total ?? -1,
          nextCursor: body.results_metadata?.next_cursor || null,
        };
      }
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable || attempt >= attempts) {
        throw new SourceError(
          `${this.options.baseUrl} answered ${response.status}` +
            (body?.error_type ? ` ${body.error_type}: ${body.error_message}` : '') +
            (response.status === 401 ? ' (check --project-id, --secret and --source-url)' : ''),
        );
      }
      await this.backOff(attempt, Number(response.headers.get('retry-after')) * 1000 || undefined);
    }
  }

  private async pace(): Promise<void> {
    const wait = this.nextCallAt - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.nextCallAt = Math.max(Date.now(), this.nextCallAt) + 60_000 / this.options.requestsPerMinute;
  }

  private backOff(attempt: number, retryAfterMs?: number): Promise<void> {
    const delay = retryAfterMs ?? Math.min(30_000, 500 * 2 ** attempt);
    return new Promise((resolve) => setTimeout(resolve, delay));
  }
}
