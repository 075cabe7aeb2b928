import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a request carries HTTP Basic `project_id:secret`, compared in constant time: the check of the Basic-auth
 * guard, and of a host's project-wide throttler, which must spend the project's budget only on callers that hold
 * the secret.
 */
export class ProjectCredentials {
  private readonly expected: Buffer;
  /** The other secrets accepted during a rotation (docs/operations.md); usually none. */
  private readonly alsoAccepted: Buffer[];

  /** `secret` may list several secrets during a rotation: each is accepted. */
  constructor(projectId: string, secret: string | readonly string[]) {
    const [first, ...others] = typeof secret === 'string' ? [secret] : secret;
    this.expected = digest(`${projectId}:${first}`);
    this.alsoAccepted = others.map((other) => digest(`${projectId}:${other}`));
  }

  /**
   * Authorization headers already verified as holding a secret, so that each request costs one lookup rather than
   * a digest and comparisons (the guard and up to four throttlers verify every request). Only accepted headers are
   * kept, so callers presenting wrong credentials cannot fill it; it is bounded all the same (spellings of one
   * header: case of `Basic`, spaces). A lookup compares a presented header with a kept one only when their hashes
   * collide, under V8's per-process random hash seed, so its timing tells nothing about the secret.
   */
  private readonly verified = new Set<string>();

  verify(request: { headers: Record<string, unknown> }): boolean {
    const header = request.headers.authorization;
    if (typeof header === 'string' && this.verified.has(header)) return true;
    const accepted = this.compare(request);
    if (accepted && typeof header === 'string' && this.verified.size < MAX_VERIFIED_HEADERS) this.verified.add(header);
    return accepted;
  }

  private compare(request: { headers: Record<string, unknown> }): boolean {
    // Hashing both sides first makes the comparison constant-time whatever the lengths.
    const presented = presentedDigest(request);
    let accepted = timingSafeEqual(presented, this.expected);
    // Every secret is compared, whichever matched, so the time taken does not tell which one a caller holds.
    for (const other of this.alsoAccepted) accepted = timingSafeEqual(presented, other) || accepted;
    return accepted;
  }
}

/** Spellings of the accepted credentials remembered at most (see `ProjectCredentials.verified`). */
const MAX_VERIFIED_HEADERS = 64;

/**
 * The digest of the credentials a request presents, computed once per request: the guard and every throttler that
 * spends a budget only on authenticated callers (up to four on an email route) verify the same request.
 */
const presentedDigests = new WeakMap<object, Buffer>();

function presentedDigest(request: { headers: Record<string, unknown> }): Buffer {
  let presented = presentedDigests.get(request);
  if (!presented) {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim()) : null;
    presented = digest(match ? Buffer.from(match[1], 'base64').toString('utf8') : '');
    presentedDigests.set(request, presented);
  }
  return presented;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
