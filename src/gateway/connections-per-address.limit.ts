import proxyAddr from '@fastify/proxy-addr';
// The module itself, not the package index, which pulls in @nestjs/common (ESM) through require(): Jest cannot load that.
import { normalizeIp } from '@nestjs/throttler/dist/ip.js';
import type { Server } from 'node:http';

/**
 * Caps the sockets one client address holds open: beyond `cap`, a new connection is closed at once, before it costs
 * more than its file descriptor. Addresses are grouped as the per-IP rate limit groups them (IPv6 by /64).
 * Trusted proxies (`trustProxy`) are exempt: every client behind one shares its address, so the proxy must bound
 * connections per client itself.
 */
export function limitConnectionsPerAddress(server: Server, cap: number, trustProxy: boolean | string): void {
  if (trustProxy === true) return;
  const trusted = trustProxy ? proxyAddr.compile(trustProxy.split(',').map((address) => address.trim())) : undefined;
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || trusted?.(address, 0)) return;
    const key = normalizeIp(address);
    const count = (open.get(key) ?? 0) + 1;
    if (count > cap) {
      socket.destroy();
      return;
    }
    open.set(key, count);
    socket.once('close', () => {
      const left = open.get(key)! - 1;
      if (left === 0) open.delete(key);
      else open.set(key, left);
    });
  });
}
