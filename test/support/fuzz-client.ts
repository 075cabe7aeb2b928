import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { STYTCH_ERRORS } from '../../src/http/stytch-errors.js';
import type { FuzzRequest } from './fuzz-requests.js';

export interface FuzzResponse {
  /** 0 when the connection ended without an answer; `body` then says why. */
  status: number;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * Sends a request as it is (path unnormalized, headers and body raw) over a keep-alive socket. Resolves to
 * `undefined` when Node's client refuses to send it (e.g. a header character it does not allow): nothing to test.
 */
export function send(baseUrl: string, fuzz: FuzzRequest, timeoutMs = 15_000): Promise<FuzzResponse | undefined> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const unanswered = (error: Error) => resolve({ status: 0, body: error.message });
    let outgoing;
    try {
      // An explicit Content-Length: Node's client frames a GET's or a HEAD's body with neither that nor chunks.
      const length = fuzz.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(fuzz.body)) };
      const headers = { ...fuzz.headers, ...length };
      outgoing = request({ agent, hostname, port, method: fuzz.method, path: fuzz.path, headers });
    } catch {
      resolve(undefined);
      return;
    }
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.once('error', unanswered);
    outgoing.once('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('error', unanswered);
      response.once('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    outgoing.end(fuzz.body);
  });
}

export type FuzzProblem = 'server error' | 'foreign body' | 'no answer';

/**
 * What is wrong with an answer, or `undefined` when nothing is: a 5xx, or an error body that is not exactly
 * Stytch's envelope with a documented `error_type` of that status.
 */
export function problemWith(fuzz: FuzzRequest, response: FuzzResponse): FuzzProblem | undefined {
  if (response.status === 0) return 'no answer';
  if (response.status >= 500) return 'server error';
  if (response.status < 400 || fuzz.method === 'HEAD') return undefined;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    return 'foreign body';
  }
  const type = body?.error_type as keyof typeof STYTCH_ERRORS;
  const envelope =
    typeof body === 'object' &&
    body !== null &&
    Object.keys(body).sort().join() === 'error_message,error_type,error_url,request_id,status_code' &&
    Object.hasOwn(STYTCH_ERRORS, type) &&
    STYTCH_ERRORS[type][0] === response.status &&
    body.status_code === response.status &&
    typeof body.error_message === 'string' &&
    /^request-id-(test|live)-[0-9a-f-]{36}$/.test(String(body.request_id)) &&
    body.error_url === `https://stytch.com/docs/api/errors/${response.status}#${type}`;
  return envelope ? undefined : 'foreign body';
}

/** The resident memory of a process, in MB, from /proc. */
export function residentMegabytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`No VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}

/** A request shortened for a report: long bodies and paths cut, so a failure can be read and kept as a case. */
export function describeRequest(fuzz: FuzzRequest): string {
  const cut = (text: string) => (text.length > 120 ? `${text.slice(0, 120)}…(${text.length} chars)` : text);
  const headers = Object.fromEntries(Object.entries(fuzz.headers).map(([name, value]) => [name, cut(value)]));
  return JSON.stringify({
    ...fuzz,
    path: cut(fuzz.path),
    headers,
    ...(fuzz.body !== undefined && { body: cut(fuzz.body) }),
  });
}
