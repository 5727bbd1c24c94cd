/**
 * A floor server, its own process: the least any HTTP service on this machine can do per
 * request. `http` reads the request body and answers a fixed 3 KB JSON body; `redis` does the
 * same after one `HGETALL` of a small hash, with the platform's own Redis client settings
 * (`createRedis`, the services' own client: a keep-alive connection). The services are compared to these.
 * Input: `{ mode, redisUrl, keyPrefix }`; answers `{ type: 'listening', port }`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@platform/logger';
import { createRedis } from '@platform/redis';
import { commands, reply } from './child.ts';

interface FloorInput {
  mode: 'http' | 'redis';
  redisUrl: string;
  keyPrefix: string;
}

/** A JSON body of exactly `bytes` bytes, shaped like a GraphQL answer. */
export function fixedBody(bytes: number): string {
  const items: { id: string; name: string; amount: string }[] = [];
  const frame = (list: typeof items, pad: string) => JSON.stringify({ data: { items: list, pad } });
  while (frame(items, '').length < bytes - 80) items.push({ id: `p${items.length}`, name: `Floor item ${items.length}`, amount: `${items.length}.90` });
  return frame(items, 'x'.repeat(Math.max(0, bytes - frame(items, '').length)));
}

async function main(): Promise<void> {
  const input = commands();
  const first = await input.next();
  if (first.done) throw new Error('no floor input on stdin');
  const { mode, redisUrl, keyPrefix } = first.value as FloorInput;
  const body = fixedBody(3 * 1024);
  const redis = mode === 'redis' ? createRedis({ url: redisUrl, keyPrefix, commandTimeoutMs: 1_000, logger: createLogger('floor', { level: 'warn' }), role: 'floor' }) : undefined;
  if (redis) {
    await new Promise<void>((resolve, reject) => {
      redis.once('ready', () => resolve());
      redis.once('error', reject);
    });
    await redis.hset('floor:hash', { version: '7', owner: 'user:floor', lines: '5', updatedAt: new Date().toISOString() });
    await redis.expire('floor:hash', 600); // the key outlives a killed floor server by minutes only
  }
  const server = http.createServer((req, res) => {
    req.resume(); // read (and drop) the request body, as a GraphQL server must
    req.once('end', () => {
      const answer = () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      if (!redis) return answer();
      redis.hgetall('floor:hash').then(answer, () => res.writeHead(503).end());
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  reply({ type: 'listening', port: (server.address() as AddressInfo).port });
  // Runs until the parent closes our stdin (or kills us).
  for await (const _ of input) void _;
  server.close();
  await redis?.del('floor:hash');
  await redis?.quit();
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(`floor-server: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
