/**
 * Quick "does it answer?" checks for Postgres, Redis, TCP ports and `/ready`, shared by
 * `npm start` and the test preflight. Each resolves with a result instead of throwing, within
 * its timeout, and leaves no connection open behind it.
 */
import net from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';

export type Probe = { ok: true } | { ok: false; reason: string };

/** The URL with its password replaced, safe to print. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparsable URL>';
  }
}

const describe = (error: unknown): string => {
  const { code, message } = error as { code?: string; message?: string };
  const text = message || code || String(error);
  return code && !text.includes(code) ? `${code}: ${text}` : text;
};

/** Connects to Postgres and runs `SELECT 1` within `timeoutMs`. */
export async function probePostgres(url: string, timeoutMs = 3_000): Promise<Probe & { code?: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined); // a dropped connection must not crash the caller
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: describe(error), code: (error as { code?: string }).code };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Connects to Redis and sends PING within `timeoutMs`, without retries or queued commands. */
export async function probeRedis(url: string, timeoutMs = 3_000): Promise<Probe> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: unknown;
  redis.on('error', (error: unknown) => (lastError = error));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([redis.connect().then(() => redis.ping()), timeout]);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: describe(lastError ?? error) };
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

/** True when something accepts TCP connections on host:port. */
export function portInUse(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (inUse: boolean) => {
      socket.destroy();
      resolve(inUse);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** One GET of a `/ready` endpoint: ok on 200, else the status and body (or the error) as the reason. */
export async function probeReady(url: string, timeoutMs = 2_000): Promise<Probe> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) return { ok: true };
    const body = (await response.text()).slice(0, 300);
    return { ok: false, reason: `HTTP ${response.status} ${body}` };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return { ok: false, reason: describe(cause ?? error) };
  }
}
