import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { GatewayResponse } from './gateway.js';

const portOf = (url: string) => Number(new URL(url).port);

/** A TCP connection to the gateway from `localAddress` (any of 127.0.0.0/8 on Linux), once connected. */
export async function openSocket(url: string, localAddress = '127.0.0.1'): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port: portOf(url), localAddress });
  // The tests read what arrived and whether the socket closed; a reset is one way of closing.
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Everything the gateway sent on `socket` until it closed. */
export function received(socket: Socket): Promise<string> {
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
  return new Promise((resolve) => socket.once('close', () => resolve(data)));
}

/** Parses one raw HTTP/1.1 response (a JSON body when it is one). */
export function parseResponse(raw: string): GatewayResponse {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers = new Headers();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const text = rest.join('\r\n\r\n');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the test asserts on the text.
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/** Sends `text` as is (what an HTTP client would refuse to send) on a new connection and parses the answer. */
export async function rawExchange(url: string, text: string): Promise<GatewayResponse> {
  const socket = await openSocket(url);
  try {
    return await exchange(socket, text);
  } finally {
    socket.destroy();
  }
}

/** One request on a fresh connection from `localAddress`, with node:http (fetch cannot choose the address). */
export function requestFrom(
  url: string,
  localAddress: string,
  method: string,
  path: string,
  options: { body?: unknown; authorization?: string } = {},
): Promise<GatewayResponse> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${url}${path}`,
      {
        method,
        localAddress,
        agent: false,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.authorization ? { authorization: options.authorization } : {}),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON.
          }
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === 'string') headers.set(name, value);
          }
          resolve({ status: response.statusCode!, headers, body: parsed });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Writes one request on a kept-alive `socket` and resolves with its response, leaving the socket open. */
export function exchange(socket: Socket, text: string): Promise<GatewayResponse> {
  return new Promise((resolve, reject) => {
    let data = '';
    const onData = (chunk: Buffer) => {
      data += chunk.toString('utf8');
      const end = data.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(data.slice(0, end));
      if (end < 0 || !length || Buffer.byteLength(data.slice(end + 4)) < Number(length[1])) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(parseResponse(data));
    };
    const onClose = () => reject(new Error(`The socket closed before a whole response arrived: ${data}`));
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(text);
  });
}

/** What arrived on `socket` until it closed, or undefined if it is still open after `ms` (the failure to report). */
export function closedWithin(socket: Socket, ms: number): Promise<string | undefined> {
  const answer = received(socket);
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    answer.finally(() => clearTimeout(timer)),
    new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms))),
  ]);
}
