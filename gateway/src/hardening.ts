/**
 * HTTP hardening at the gateway: security headers for an API (helmet: no sniffing, no framing,
 * no referrer, a CSP that loads nothing, HSTS only when configured, since only a deployment
 * behind TLS may promise it), and a cap on the requests one caller has in flight on this
 * instance, so one client cannot hold every slot the shedder counts. Body size and slow-client
 * timeouts are set on the HTTP server (`createHttpServer`, `readBody`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { Identity } from '@platform/auth';
import { HttpError } from '@platform/server';

/** The security headers, computed once (helmet run against a recording response), set on every answer. */
export function securityHeaders(hstsMaxAgeSeconds: number): (res: ServerResponse) => void {
  const headers: [string, string][] = [];
  const recorder = { setHeader: (name: string, value: unknown) => void headers.push([name, String(value)]), removeHeader: () => undefined };
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    // The storefront and partners read answers cross-origin (CORS decides who may).
    crossOriginResourcePolicy: false,
    crossOriginOpenerPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: hstsMaxAgeSeconds > 0 ? { maxAge: hstsMaxAgeSeconds, includeSubDomains: true } : false,
    xFrameOptions: { action: 'deny' },
  })({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return (res) => {
    for (const [name, value] of headers) res.setHeader(name, value);
  };
}

/** Counts each caller's requests in flight; `enter` throws 429 past `max` (0 = no cap). */
export function perCallerCap(max: number) {
  const inFlight = new Map<string, number>();
  return {
    enter(identity: Identity, req: IncomingMessage, res: ServerResponse): void {
      if (max === 0) return;
      const key = callerKey(identity, req);
      const now = inFlight.get(key) ?? 0;
      if (now >= max) {
        throw new HttpError(429, 'Too many of your requests are in flight at once; retry when one has finished.', 'RATE_LIMITED', {
          headers: { 'retry-after': '1' },
          extensions: { retryAfterSeconds: 1, reason: 'TOO_MANY_IN_FLIGHT' },
        });
      }
      inFlight.set(key, now + 1);
      res.once('close', () => {
        const left = (inFlight.get(key) ?? 1) - 1;
        if (left <= 0) inFlight.delete(key);
        else inFlight.set(key, left);
      });
    },
  };
}

function callerKey(identity: Identity, req: IncomingMessage): string {
  switch (identity.kind) {
    case 'user':
      return `u:${identity.userId}`;
    case 'guest':
      return `g:${identity.guestId}`;
    case 'service':
      return `s:${identity.service}`;
    default:
      return `a:${req.socket.remoteAddress ?? ''}`;
  }
}
