import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { limitConnectionsPerAddress } from './connections-per-address.limit.js';

/** A plain HTTP server with the cap, answering every request with "ok". */
async function serve(cap: number, trustProxy: boolean | string): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => response.end('ok'));
  limitConnectionsPerAddress(server, cap, trustProxy);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** Opens a socket, sends one keep-alive request, and resolves with the status line, or '' if the server closed it. */
function ask(port: number, sockets: Socket[]): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: test\r\n\r\n'));
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString().split('\r\n')[0]));
    socket.once('close', () => resolve(''));
  });
}

describe('limitConnectionsPerAddress', () => {
  let server: Server;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('closes the connections of one address beyond the cap', async () => {
    let port: number;
    ({ server, port } = await serve(2, false));
    expect(await ask(port, sockets)).toBe('HTTP/1.1 200 OK');
    expect(await ask(port, sockets)).toBe('HTTP/1.1 200 OK');
    expect(await ask(port, sockets)).toBe('');
  });

  it.each([['127.0.0.1'], ['10.0.0.0/8, 127.0.0.0/8'], [true]])(
    'does not count the sockets of a proxy trusted by TRUST_PROXY=%p',
    async (trustProxy) => {
      let port: number;
      ({ server, port } = await serve(1, trustProxy));
      for (let n = 0; n < 3; n++) expect(await ask(port, sockets)).toBe('HTTP/1.1 200 OK');
    },
  );

  it('counts the sockets of an address that is not a trusted proxy', async () => {
    let port: number;
    ({ server, port } = await serve(1, '10.0.0.0/8'));
    expect(await ask(port, sockets)).toBe('HTTP/1.1 200 OK');
    expect(await ask(port, sockets)).toBe('');
  });
});
