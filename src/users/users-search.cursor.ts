import { createHash } from 'node:crypto';
import { StytchException } from '../http/stytch.exception.js';
import type { SearchQuery } from './users-search.filters.js';

/**
 * Where the next page starts: after the last user of this one in (created_at, user_id) order, the total counted on
 * the first page, and a fingerprint of the query it belongs to. A position rather than an offset, so that users
 * created or deleted meanwhile neither repeat nor skip anyone. Opaque to clients; a client that crafts one only
 * chooses where its own search resumes, so it carries no signature.
 */
export interface SearchPosition {
  createdAt: Date;
  userId: string;
  total: number;
}

interface CursorJson {
  v: 1;
  c: string;
  u: string;
  t: number;
  q: string;
}

export function queryFingerprint(query: SearchQuery): string {
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16);
}

export function encodeCursor(position: SearchPosition, query: SearchQuery): string {
  const json: CursorJson = {
    v: 1,
    c: position.createdAt.toISOString(),
    u: position.userId,
    t: position.total,
    q: queryFingerprint(query),
  };
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

export function decodeCursor(cursor: string, query: SearchQuery): SearchPosition {
  let json: Partial<CursorJson> | undefined;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorJson>;
  } catch {
    json = undefined;
  }
  const createdAt = typeof json?.c === 'string' ? new Date(json.c) : undefined;
  if (
    json?.v !== 1 ||
    !createdAt ||
    Number.isNaN(createdAt.getTime()) ||
    typeof json.u !== 'string' ||
    !/^[\x21-\x7e]{1,64}$/.test(json.u) ||
    !Number.isSafeInteger(json.t) ||
    (json.t as number) < 0 ||
    typeof json.q !== 'string'
  ) {
    throw new StytchException(
      'invalid_cursor',
      'cursor is invalid: pass the results_metadata.next_cursor of the previous page unchanged, or omit it to start from the first page.',
    );
  }
  if (json.q !== queryFingerprint(query)) {
    throw new StytchException(
      'invalid_cursor',
      'cursor belongs to a different query: send the same query with each page, or omit cursor to start a new search.',
    );
  }
  return { createdAt, userId: json.u, total: json.t as number };
}
