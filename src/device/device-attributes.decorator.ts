import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** The `Sec-CH-UA*` client hints a Chromium browser sends beside its (frozen) User-Agent, as sent. */
export interface ClientHints {
  /** `Sec-CH-UA`, e.g. `"Chromium";v="140", "Google Chrome";v="140", "Not=A?Brand";v="24"`. */
  brands?: string;
  /** `Sec-CH-UA-Mobile`: `?1` on a phone. */
  mobile?: string;
  /** `Sec-CH-UA-Platform`, e.g. `"Android"`. */
  platform?: string;
}

/**
 * The device behind a request in Stytch's `attributes` shape (pass it to send and authenticate as is), plus the
 * client hints when the browser sent any; Stytch's endpoints ignore the extra field.
 */
export interface DeviceAttributes {
  /** The client's address: the socket's peer, or the first untrusted hop of `X-Forwarded-For` behind a trusted proxy. */
  ip_address: string;
  /** The `User-Agent` header, at most 1024 characters. */
  user_agent: string;
  client_hints?: ClientHints;
}

interface RequestLike {
  ip?: string;
  socket?: { remoteAddress?: string };
  headers: Record<string, string | string[] | undefined>;
}

const MAX_USER_AGENT_LENGTH = 1024;
const MAX_HINT_LENGTH = 256;

/**
 * Reads the device attributes of a request. `ip` is the framework's trusted-proxy-aware address (Fastify's
 * `trustProxy`, Express's `trust proxy`), so a forged `X-Forwarded-For` is ignored unless a trusted proxy set it.
 */
export function deviceAttributesOf(request: RequestLike): DeviceAttributes {
  const header = (name: string, max: number): string | undefined => {
    const value = request.headers[name];
    const text = Array.isArray(value) ? value.join(', ') : value;
    return text === undefined ? undefined : text.slice(0, max);
  };
  const hints: ClientHints = {
    brands: header('sec-ch-ua', MAX_HINT_LENGTH),
    mobile: header('sec-ch-ua-mobile', MAX_HINT_LENGTH),
    platform: header('sec-ch-ua-platform', MAX_HINT_LENGTH),
  };
  const sentHints = Object.fromEntries(Object.entries(hints).filter(([, value]) => value !== undefined));
  return {
    ip_address: (request.ip ?? request.socket?.remoteAddress ?? '').slice(0, 64),
    user_agent: header('user-agent', MAX_USER_AGENT_LENGTH) ?? '',
    ...(Object.keys(sentHints).length > 0 && { client_hints: sentHints }),
  };
}

/**
 * Injects the `DeviceAttributes` of the current request:
 * `@Post('login') send(@DeviceAttributes() attributes: DeviceAttributes) { … attributes … }`.
 */
export const DeviceAttributes = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  deviceAttributesOf(context.switchToHttp().getRequest<RequestLike>()),
);
