/**
 * Which WebSocket upgrades the gateway accepts: `/graphql` only, from an allowed origin when
 * `CORS_ORIGINS` is set (browsers always send `Origin`, so a page on another site cannot ride a
 * user's session; clients without a browser send none and are not origin-checked), and none
 * while the gateway shuts down.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export interface UpgradeRefusal {
  status: number;
  reason: 'path' | 'origin' | 'shutting-down';
}

/** Why an upgrade request is refused, or `undefined` to accept it. */
export function upgradeRefusal(request: IncomingMessage, policy: { path: string; origins: readonly string[]; accepting: boolean }): UpgradeRefusal | undefined {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path !== policy.path) return { status: 404, reason: 'path' };
  const origin = request.headers.origin;
  if (origin !== undefined && policy.origins.length > 0 && !policy.origins.includes(origin)) return { status: 403, reason: 'origin' };
  if (!policy.accepting) return { status: 503, reason: 'shutting-down' };
  return undefined;
}

/** Answers a refused upgrade with a plain HTTP status and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number): void {
  const text = STATUS_CODES[status] ?? 'Refused';
  socket.once('error', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}
