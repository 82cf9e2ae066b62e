import { isIP } from 'node:net';
import { SjdClientError } from './sjd-client-error.js';

/**
 * The gRPC target for one or more `host:port` addresses, resolved by gRPC itself:
 * - IPv4 literals → `ipv4:a:p,b:p` (a static list; with round-robin every address serves);
 * - IPv6 literals (`[::1]:p`) → `ipv6:[a]:p,[b]:p`;
 * - one host name → `dns:host:port` (round-robin then spreads over every address DNS returns).
 * Several host names, or IPv4 mixed with IPv6, cannot be one gRPC target: give IP
 * addresses, one DNS name for all replicas, or a raw `target`.
 */
export function channelTarget(addresses: readonly string[]): string {
  if (addresses.length === 0) {
    throw new SjdClientError({
      message: 'Give at least one server address (host:port).',
      field: 'addresses',
    });
  }
  const parsed = addresses.map(parseAddress);
  if (parsed.every((a) => a.family === 4))
    return `ipv4:${parsed.map((a) => `${a.host}:${a.port}`).join(',')}`;
  if (parsed.every((a) => a.family === 6))
    return `ipv6:${parsed.map((a) => `[${a.host}]:${a.port}`).join(',')}`;
  if (parsed.length === 1) return `dns:${parsed[0]!.host}:${parsed[0]!.port}`;
  throw new SjdClientError({
    field: 'addresses',
    message: `Cannot balance over ${addresses.join(', ')}: give IP addresses of one family, one DNS name that resolves to every replica, or a raw gRPC target.`,
  });
}

function parseAddress(address: string): { host: string; port: number; family: 0 | 4 | 6 } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address.trim());
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!host || !(port >= 1 && port <= 65535)) {
    throw new SjdClientError({
      field: 'addresses',
      message: `Invalid server address ${JSON.stringify(address)}: expected host:port, e.g. 127.0.0.1:50051 or [::1]:50051.`,
    });
  }
  return { host, port, family: isIP(host) as 0 | 4 | 6 };
}
