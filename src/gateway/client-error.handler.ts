import { Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { newId } from '../ids/ids.js';
import { STYTCH_ERRORS, stytchErrorBody, type StytchErrorType } from '../http/stytch-errors.js';
import type { MagicLinksEnvironment } from '../options/magic-links.options.js';

/** Node's own refusals, by code: the bytes were not a request any route could see, or did not arrive in time. */
const CLIENT_ERRORS: Record<string, [StytchErrorType, string?]> = {
  ERR_HTTP_REQUEST_TIMEOUT: ['request_timeout'],
  HPE_HEADER_OVERFLOW: ['request_headers_too_large'],
  HPE_INVALID_METHOD: [
    'bad_request',
    'The HTTP method is unknown: use the method the API reference at /docs gives for the path (GET, POST, PUT or DELETE).',
  ],
  HPE_INVALID_CONTENT_LENGTH: [
    'bad_request',
    'The Content-Length header is invalid: send one Content-Length, the byte length of the body.',
  ],
  HPE_UNEXPECTED_CONTENT_LENGTH: [
    'bad_request',
    'The request has both Content-Length and Transfer-Encoding: send the body with only one of them.',
  ],
  HPE_INVALID_TRANSFER_ENCODING: [
    'bad_request',
    'The Transfer-Encoding header is invalid: send the body with Content-Length, or with Transfer-Encoding: chunked alone.',
  ],
};

const NOT_HTTP: [StytchErrorType, string] = [
  'bad_request',
  'The request is not valid HTTP/1.1: check the request line, the header names and the body framing.',
];

/**
 * Fastify's `clientErrorHandler`: answers what Node's HTTP parser refuses (malformed requests, oversized headers,
 * timeouts) in Stytch's envelope, where Node and Fastify would answer in their own shape, then closes the socket.
 */
export function answerClientErrors(environment: MagicLinksEnvironment): (error: Error, socket: Socket) => void {
  const logger = new Logger('HttpServer');
  return (error, socket) => {
    const code = (error as { code?: unknown }).code;
    // A client that reset or closed its connection mid-request has left, and a response already under way cannot be
    // replaced: nothing to answer.
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (code === 'ECONNRESET' || code === 'HPE_INVALID_EOF_STATE' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const [errorType, message] = (typeof code === 'string' ? CLIENT_ERRORS[code] : undefined) ?? NOT_HTTP;
    const status = STYTCH_ERRORS[errorType][0];
    const requestId = newId('request-id', environment);
    const body = JSON.stringify(stytchErrorBody(errorType, requestId, message));
    logger.log({ request_id: requestId, error_type: errorType, code }, 'client error answered');
    // A response to HEAD has no body (a client would read one as the start of the next response).
    const head = (error as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${head ? '' : body}`,
    );
    // Not end(): a client that never closes its side would hold a half-open socket. Node answers the same way.
    socket.destroy();
  };
}
