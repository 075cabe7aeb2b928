import { newId } from '../ids/ids.js';
import type { MagicLinksEnvironment } from '../options/magic-links.options.js';

interface RequestLike {
  id?: unknown;
  stytchRequestId?: string;
}

/**
 * The `request_id` of a request. The gateway's Fastify adapter already names every request with a Stytch-shaped
 * id (so that logs and responses agree); a host app on another adapter gets one minted on first use.
 */
export function requestIdOf(request: RequestLike, environment: MagicLinksEnvironment): string {
  if (typeof request.id === 'string' && request.id.startsWith('request-id-')) return request.id;
  request.stytchRequestId ??= newId('request-id', environment);
  return request.stytchRequestId;
}
