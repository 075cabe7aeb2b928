import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a request carries HTTP Basic `project_id:secret`, compared in constant time: the check of the Basic-auth
 * guard, and of a host's project-wide throttler, which must spend the project's budget only on callers that hold
 * the secret.
 */
export class ProjectCredentials {
  private readonly expected: Buffer;

  constructor(projectId: string, secret: string) {
    this.expected = digest(`${projectId}:${secret}`);
  }

  verify(request: { headers: Record<string, unknown> }): boolean {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim()) : null;
    const presented = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    // Hashing both sides first makes the comparison constant-time whatever the lengths.
    return timingSafeEqual(digest(presented), this.expected);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
