import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Injectable, Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { requestIdOf } from './request-id.js';
import { STYTCH_ERRORS, stytchErrorBody, StytchErrorType } from './stytch-errors.js';
import { StytchException } from './stytch.exception.js';

interface RequestLike {
  id?: unknown;
  method?: string;
  url?: string;
  /** Fastify's request wraps Node's; on other adapters the request is Node's own. */
  raw?: { complete?: boolean; destroyed?: boolean };
  complete?: boolean;
  destroyed?: boolean;
}

interface ReplyLike {
  status?(code: number): ReplyLike;
  code?(code: number): ReplyLike;
  header?(name: string, value: string): ReplyLike;
  send?(body: unknown): void;
  json?(body: unknown): void;
}

/** Fastify's own request errors, by code: what was wrong with the request before any handler ran. */
const FRAMEWORK_ERRORS: Record<string, [StytchErrorType, string?]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['request_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['bad_request', 'The Content-Length header does not match the body.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['bad_request', 'The request body is empty: send a JSON object.'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['bad_request', 'The request body is not valid JSON: send a JSON object.'],
  FST_ERR_BAD_URL: [
    'bad_request',
    'The request URL is malformed: percent-encode ids in the path (encodeURIComponent), with valid % escapes.',
  ],
  FST_ERR_MAX_PARAM_LENGTH: ['bad_request', 'A path parameter is longer than any id: check the id in the URL.'],
};

/** Error codes that mean the database cannot be reached right now rather than that the request was wrong. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'SQLITE_BUSY']);

/**
 * PostgreSQL SQLSTATE classes with the same meaning: 08 connection exception, 53 insufficient resources (too many
 * connections), 57 operator intervention (shutdown, terminated backend, statement timeout).
 */
const UNAVAILABLE_SQLSTATE_CLASSES = new Set(['08', '53', '57']);

/**
 * Writes every failure as Stytch's envelope `{ status_code, request_id, error_type, error_message, error_url }`
 * and nothing else, so the official client reads it as a `StytchError`. A 500 never carries internals.
 */
@Catch()
@Injectable()
export class StytchExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(StytchExceptionFilter.name);

  constructor(@InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.respond(exception, http.getRequest<RequestLike>(), http.getResponse<ReplyLike>());
  }

  /** The same answer outside Nest's exception layer: for the errors Fastify raises before any route is matched. */
  respond(exception: unknown, request: RequestLike, reply: ReplyLike): void {
    const [errorType, errorMessage] = this.describe(exception, request);
    const status = STYTCH_ERRORS[errorType][0];
    const requestId = requestIdOf(request, this.options.environment);
    if (status >= 500) {
      this.logger.error(
        { err: exception, error_type: errorType, request_id: requestId },
        `${request.method ?? ''} ${(request.url ?? '').split('?')[0]} failed`,
      );
    }
    const body = stytchErrorBody(errorType, requestId, errorMessage);
    const withStatus = reply.code ? reply.code(status) : reply.status!(status);
    if (withStatus.json) withStatus.json(body);
    else {
      withStatus.header?.('content-type', 'application/json; charset=utf-8');
      withStatus.send!(body);
    }
  }

  private describe(exception: unknown, request: RequestLike): [StytchErrorType, string] {
    if (exception instanceof StytchException) return [exception.errorType, exception.message];
    // The client closed the connection while sending its body: its own doing, whatever error reading it raised
    // (Node's is an ECONNRESET, which would otherwise read as a database outage). Nobody is left to read the answer.
    const incoming = request.raw ?? request;
    if (incoming.complete === false && incoming.destroyed === true) {
      return ['bad_request', 'The client closed the connection before the request was complete.'];
    }
    // Nest wraps Fastify's request errors in an HttpException whose cause is the original.
    const code = codeOf(exception) ?? codeOf((exception as { cause?: unknown } | null)?.cause);
    if (code !== undefined && code in FRAMEWORK_ERRORS) {
      const [type, message] = FRAMEWORK_ERRORS[code];
      return [type, message ?? STYTCH_ERRORS[type][1]];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return ['route_not_found', STYTCH_ERRORS.route_not_found[1]];
      if (status === 405) return ['method_not_allowed', STYTCH_ERRORS.method_not_allowed[1]];
      if (status === 413) return ['request_too_large', STYTCH_ERRORS.request_too_large[1]];
      if (status === 415) return ['unsupported_media_type', STYTCH_ERRORS.unsupported_media_type[1]];
      if (status === 429) return ['too_many_requests', STYTCH_ERRORS.too_many_requests[1]];
      if (status >= 400 && status < 500) return ['bad_request', STYTCH_ERRORS.bad_request[1]];
      if (status === 503) return ['server_unavailable', STYTCH_ERRORS.server_unavailable[1]];
    }
    if (isDatabaseUnavailable(exception)) return ['server_unavailable', STYTCH_ERRORS.server_unavailable[1]];
    return ['internal_server_error', STYTCH_ERRORS.internal_server_error[1]];
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isDatabaseUnavailable(exception: unknown): boolean {
  const candidates = [exception, (exception as QueryFailedError | null)?.driverError];
  return candidates.some((candidate) => {
    if (typeof candidate !== 'object' || candidate === null) return false;
    const { code, message, severity } = candidate as { code?: unknown; message?: unknown; severity?: unknown };
    if (typeof code === 'string') {
      if (UNAVAILABLE_CODES.has(code)) return true;
      if (/^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_SQLSTATE_CLASSES.has(code.slice(0, 2))) return true;
    }
    // A FATAL error ends the session: PostgreSQL refused or dropped the connection (the database does not accept
    // connections, was dropped or renamed, the credentials were revoked), whatever the request was.
    if (severity === 'FATAL') return true;
    return (
      typeof message === 'string' &&
      /Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|database is locked/i.test(
        message,
      )
    );
  });
}
