import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

const SESSION_TOKEN = Symbol('magic-links:sdk-session-token');

/** What the SDK's `Authorization: Basic base64(public_token:session_token)` carries. */
export interface SdkCredentials {
  publicToken: string;
  /** Absent when the browser holds no session: the SDK then repeats the public token as the password. */
  sessionToken: string | undefined;
}

/** The credentials of a request, or undefined when it has no readable Basic header. */
export function sdkCredentialsOf(headers: Record<string, string | string[] | undefined>): SdkCredentials | undefined {
  const header = headers.authorization;
  const match = typeof header === 'string' ? /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim()) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const publicToken = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return { publicToken, sessionToken: password === '' || password === publicToken ? undefined : password };
}

/** Keeps the session token a guard read for the handler. */
export function rememberSessionToken(request: object, sessionToken: string | undefined): void {
  (request as Record<symbol, unknown>)[SESSION_TOKEN] = sessionToken;
}

/** Injects the session token the browser presented, or undefined. */
export const SdkSessionToken = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    context.switchToHttp().getRequest<Record<symbol, unknown>>()[SESSION_TOKEN] as string | undefined,
);
